package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/k8s/optional/kubernetes-reconciler: the rights of resources-service's optional Kubernetes reconciler. */
class ReconcilerRbacTest {

    private static final Path RECONCILER = Repository.K8S.resolve("optional/kubernetes-reconciler");

    @Test
    void everyObjectIsValidAgainstItsKubernetesSchema() {
        List<ObjectNode> objects = Kustomize.render(RECONCILER);

        assertThat(objects.stream().map(Schemas::typeOf)).containsExactlyInAnyOrder("v1/ServiceAccount",
                "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding");
        assertThat(objects.stream().flatMap(object -> Schemas.problems(object).stream())).isEmpty();
    }

    @Test
    void theRoleGrantsOnlyReadingNamespacesAndKeepingQuotasAndLimitRanges() {
        JsonNode role = only(Kustomize.render(RECONCILER), "ClusterRole");

        List<String> grants = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            assertThat(rule.path("apiGroups").toString()).isEqualTo("[\"\"]");
            rule.path("resources").forEach(resource -> rule.path("verbs").forEach(verb -> grants.add(resource.asText() + ":" + verb.asText())));
        }
        assertThat(grants).containsExactlyInAnyOrder("namespaces:get",
                "resourcequotas:get", "resourcequotas:create", "resourcequotas:update",
                "limitranges:get", "limitranges:create", "limitranges:update");
    }

    @Test
    void theBindingGivesTheRoleToTheReconcilersServiceAccountInTheProductionNamespace() {
        List<ObjectNode> objects = Kustomize.render(RECONCILER);
        JsonNode binding = only(objects, "ClusterRoleBinding");

        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(only(objects, "ClusterRole").at("/metadata/name").asText());
        assertThat(binding.path("subjects")).hasSize(1);
        assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(only(objects, "ServiceAccount").at("/metadata/name").asText());
        Path production = Repository.K8S.resolve("overlays/prod/kustomization.yaml");
        assertThat(binding.at("/subjects/0/namespace").asText())
                .isEqualTo(Kustomize.readDocuments(production).getFirst().path("namespace").asText());
    }

    @Test
    void noOverlayTurnsTheReconcilerOnByDefault() {
        List<String> reconcilers = Kustomize.render(RECONCILER).stream().map(ReconcilerRbacTest::kindAndName).toList();
        for (Path overlay : Repository.overlays()) {
            assertThat(Kustomize.render(overlay).stream().map(ReconcilerRbacTest::kindAndName)).doesNotContainAnyElementsOf(reconcilers);
        }
    }

    private static String kindAndName(JsonNode object) {
        return object.path("kind").asText() + " " + object.at("/metadata/name").asText();
    }

    private static JsonNode only(List<ObjectNode> objects, String kind) {
        List<ObjectNode> matching = objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        assertThat(matching).hasSize(1);
        return matching.getFirst();
    }
}
