package io.servelink.usage.storage;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Disk use per project from the Docker engine's {@code /system/df}: containers and volumes are a project's when
 * they carry the label {@code servelink.project=<id>}; images are those its containers run (by image id). A
 * project's figure is its volumes' {@code UsageData.Size} plus the full size of each distinct image it runs (an
 * image two projects run counts for both: each would need it alone) plus its containers' writable layers
 * ({@code SizeRw}). Sizes the engine reports as unknown (-1) count as 0.
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
        return client.diskUsage().map(usage -> StorageSnapshot.complete(perProject(usage, label)));
    }

    static Map<String, ProjectStorage> perProject(DockerDiskUsage usage, String label) {
        Map<String, Long> imageSizes = new HashMap<>();
        usage.images().forEach(image -> imageSizes.put(image.id(), Math.max(0, image.size())));
        Map<String, Long> volumes = new HashMap<>();
        Map<String, Long> writable = new HashMap<>();
        Map<String, Set<String>> images = new HashMap<>();
        for (DockerDiskUsage.Container container : usage.containers()) {
            String project = container.label(label);
            if (project == null || project.isBlank()) {
                continue;
            }
            long sizeRw = container.sizeRw() == null ? 0 : Math.max(0, container.sizeRw());
            writable.merge(project, sizeRw, Math::addExact);
            if (container.imageId() != null) {
                images.computeIfAbsent(project, p -> new HashSet<>()).add(container.imageId());
            }
        }
        for (DockerDiskUsage.Volume volume : usage.volumes()) {
            String project = volume.label(label);
            if (project == null || project.isBlank()) {
                continue;
            }
            long size = volume.usageData() == null ? 0 : Math.max(0, volume.usageData().size());
            volumes.merge(project, size, Math::addExact);
        }
        Set<String> projects = new HashSet<>(volumes.keySet());
        projects.addAll(writable.keySet());
        Map<String, ProjectStorage> result = new HashMap<>();
        for (String project : projects) {
            long imageBytes = images.getOrDefault(project, Set.of()).stream().mapToLong(id -> imageSizes.getOrDefault(id, 0L)).sum();
            result.put(project, new ProjectStorage(volumes.getOrDefault(project, 0L), imageBytes, writable.getOrDefault(project, 0L)));
        }
        return result;
    }
}
