package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * usage-service's storage probe where it is deployed (docs/usage.md#storage-probes): on Kubernetes the kubelet probe,
 * with a service account whose token and CA are mounted and a read-only role to read every node's stats summary; with
 * Docker Compose the Docker probe on the engine's socket, mounted read-only.
 */
class StorageProbeManifestsTest {

    static Stream<Repository.Rendered> overlays() {
        return Repository.overlays().stream().map(Repository::render);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void selectsTheKubeletProbeWithTheServiceAccountsTokenAndCaMounted(Repository.Rendered rendered) {
        JsonNode config = rendered.get("ConfigMap", "usage-service").path("data");
        assertThat(config.path("SERVELINK_USAGE_STORAGE_PROBE").asText()).isEqualTo("kubelet");
        assertThat(config.path("SERVELINK_USAGE_STORAGE_KUBELET_API_SERVER").asText()).isEqualTo("https://kubernetes.default.svc");

        JsonNode pod = rendered.get("Deployment", "usage-service").at("/spec/template/spec");
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("usage-service");
        assertThat(pod.path("automountServiceAccountToken").asBoolean()).isTrue();
        rendered.get("ServiceAccount", "usage-service");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theRoleGrantsOnlyReadingNodesTheirKubeletStatsAndThePodsAndClaimsLists(Repository.Rendered rendered) {
        JsonNode role = rendered.get("ClusterRole", "servelink-usage-storage");

        List<String> grants = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            assertThat(rule.path("apiGroups").toString()).isEqualTo("[\"\"]");
            rule.path("resources").forEach(resource -> rule.path("verbs").forEach(verb -> grants.add(resource.asText() + ":" + verb.asText())));
        }
        assertThat(grants).containsExactlyInAnyOrder("nodes:get", "nodes:list", "nodes/proxy:get", "pods:list",
                "persistentvolumeclaims:list");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theBindingGivesTheRoleToUsageServicesAccountInTheOverlaysNamespace(Repository.Rendered rendered) {
        List<JsonNode> bindings = rendered.ofKind("ClusterRoleBinding").stream()
                .filter(binding -> binding.at("/roleRef/name").asText().equals("servelink-usage-storage"))
                .map(JsonNode.class::cast)
                .toList();

        assertThat(bindings).hasSize(1);
        JsonNode binding = bindings.getFirst();
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("ClusterRole");
        assertThat(binding.path("subjects")).hasSize(1);
        assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("usage-service");
        assertThat(binding.at("/subjects/0/namespace").asText())
                .isEqualTo(rendered.get("Deployment", "usage-service").at("/metadata/namespace").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void usageServiceMayReachTheApiServer(Repository.Rendered rendered) {
        List<Integer> ports = new ArrayList<>();
        rendered.ofKind("NetworkPolicy").stream()
                .filter(policy -> policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1name").asText().equals("usage-service"))
                .flatMap(policy -> stream(policy.at("/spec/egress")))
                .filter(rule -> stream(rule.path("to")).anyMatch(peer -> peer.has("ipBlock")))
                .forEach(rule -> rule.path("ports").forEach(port -> ports.add(port.path("port").asInt())));
        assertThat(ports).contains(443, 6443);
    }

    @Test
    void composeRunsTheDockerProbeOnTheEnginesSocketMountedReadOnly() {
        JsonNode compose = Kustomize.readDocuments(Repository.ROOT.resolve("deploy/compose/docker-compose.yml")).getFirst();
        JsonNode usage = compose.at("/services/usage-service");

        assertThat(usage.at("/environment/SERVELINK_USAGE_STORAGE_PROBE").asText()).isEqualTo("docker");
        assertThat(usage.at("/environment/SERVELINK_USAGE_STORAGE_DOCKER_URL").asText()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(stream(usage.path("volumes")).map(JsonNode::asText)).contains("/var/run/docker.sock:/var/run/docker.sock:ro");
        assertThat(usage.path("group_add")).isNotEmpty();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
