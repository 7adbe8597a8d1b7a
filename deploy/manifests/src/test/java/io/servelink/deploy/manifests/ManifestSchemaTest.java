package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestSchemaTest {

    static Stream<Path> overlays() {
        return Repository.overlays().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyRenderedObjectIsValidAgainstItsKubernetesOrCrdSchema(Path overlay) {
        List<ObjectNode> objects = Kustomize.render(overlay);

        assertThat(objects).isNotEmpty();
        assertThat(objects.stream().flatMap(object -> Schemas.problems(object).stream())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyObjectIsUniqueAndInTheOverlayNamespace(Path overlay) {
        List<ObjectNode> objects = Kustomize.render(overlay);

        assertThat(objects.stream().map(object -> Schemas.typeOf(object) + " " + object.at("/metadata/name").asText()))
                .doesNotHaveDuplicates();
        assertThat(objects).allSatisfy(object -> assertThat(object.at("/metadata/namespace").asText())
                .as(Schemas.typeOf(object) + " " + object.at("/metadata/name").asText())
                .isNotBlank());
    }
}
