package io.servelink.deploy.manifests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where things are in the repository, seen from this module's directory (the tests' working directory). */
final class Repository {

    static final Path ROOT = findRoot();
    static final Path K8S = ROOT.resolve("deploy/k8s");
    static final List<String> SERVICES = List.of("gateway", "usage-service", "payment-service", "resources-service", "support-service");

    private Repository() {
    }

    /** Every overlay directory under deploy/k8s/overlays. */
    static List<Path> overlays() {
        try (Stream<Path> children = Files.list(K8S.resolve("overlays"))) {
            List<Path> overlays = children.filter(Files::isDirectory).sorted().toList();
            if (overlays.isEmpty()) {
                throw new IllegalStateException("no overlays under " + K8S);
            }
            return overlays;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Rendered render(Path overlay) {
        return new Rendered(overlay.getFileName().toString(), Kustomize.render(overlay));
    }

    private static Path findRoot() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isDirectory(directory.resolve("deploy/k8s"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("no deploy/k8s above " + Path.of("").toAbsolutePath());
        }
        return directory;
    }

    /** One overlay's rendered objects. */
    record Rendered(String overlay, List<ObjectNode> objects) {

        List<ObjectNode> ofKind(String kind) {
            return objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        }

        ObjectNode get(String kind, String name) {
            return ofKind(kind).stream()
                    .filter(object -> object.path("metadata").path("name").asText().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
        }

        @Override
        public String toString() {
            return overlay;
        }
    }
}
