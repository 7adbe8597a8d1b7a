package io.servelink.usage.storage;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Disk use per project from one Docker engine (Docker, or Podman's Docker-compatible API): containers and volumes are
 * a project's when they carry the label {@code servelink.project=<id>} (read from {@code /containers/json} and
 * {@code /volumes}, filtered by that label); images are those its containers run (by image id). A project's figure is
 * its volumes' {@code UsageData.Size} from {@code /system/df} plus the {@code Size} of each distinct image it runs (an
 * image two projects run counts for both: each would need it alone) plus its containers' writable layers
 * ({@code SizeRw} from {@code /containers/json?size=true}). Sizes the engine reports as unknown (-1 or absent) count
 * as 0. One engine is one place: the snapshot is complete, or the run fails.
 */
final class DockerStorageProbe implements StorageProbe {

    private final DockerEngineClient client;
    private final String label;

    DockerStorageProbe(DockerEngineClient client, String label) {
        this.client = client;
        this.label = label;
    }

    @Override
    public String source() {
        return "docker";
    }

    @Override
    public Mono<StorageSnapshot> measure() {
        return Mono.zip(client.diskUsage(), client.containers(label), client.volumes(label))
                .map(engine -> StorageSnapshot.complete(perProject(engine.getT1(), engine.getT2(), engine.getT3(), label)))
                .onErrorMap(this::unreachable);
    }

    /** The failure, named by the engine's address (the transport's own exceptions often carry no message at all). */
    private Throwable unreachable(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
        IllegalStateException named = new IllegalStateException("Docker engine at " + client.target() + " failed: " + what);
        named.addSuppressed(failure);
        return named;
    }

    static Map<String, ProjectStorage> perProject(DockerDiskUsage usage, List<DockerDiskUsage.Container> containers,
                                                  List<DockerDiskUsage.Volume> volumes, String label) {
        Map<String, Long> imageSizes = new HashMap<>();
        usage.images().forEach(image -> imageSizes.put(DockerDiskUsage.imageKey(image.id()), Math.max(0, image.size())));
        Map<String, Long> volumeSizes = new HashMap<>();
        usage.volumes().forEach(volume -> volumeSizes.put(volume.name(),
                volume.usageData() == null ? 0 : Math.max(0, volume.usageData().size())));

        Map<String, Long> volumeBytes = new HashMap<>();
        Map<String, Long> writable = new HashMap<>();
        Map<String, Set<String>> images = new HashMap<>();
        for (DockerDiskUsage.Container container : containers) {
            String project = container.label(label);
            if (project == null || project.isBlank()) {
                continue;
            }
            long sizeRw = container.sizeRw() == null ? 0 : Math.max(0, container.sizeRw());
            writable.merge(project, sizeRw, Math::addExact);
            if (container.imageId() != null) {
                images.computeIfAbsent(project, p -> new HashSet<>()).add(DockerDiskUsage.imageKey(container.imageId()));
            }
        }
        for (DockerDiskUsage.Volume volume : volumes) {
            String project = volume.label(label);
            if (project == null || project.isBlank()) {
                continue;
            }
            volumeBytes.merge(project, volumeSizes.getOrDefault(volume.name(), 0L), Math::addExact);
        }
        Set<String> projects = new HashSet<>(volumeBytes.keySet());
        projects.addAll(writable.keySet());
        Map<String, ProjectStorage> result = new HashMap<>();
        for (String project : projects) {
            long imageBytes = images.getOrDefault(project, Set.of()).stream().mapToLong(id -> imageSizes.getOrDefault(id, 0L)).sum();
            result.put(project, new ProjectStorage(volumeBytes.getOrDefault(project, 0L), imageBytes, writable.getOrDefault(project, 0L)));
        }
        return result;
    }
}
