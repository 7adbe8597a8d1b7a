package io.servelink.usage.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The parts of the Docker Engine API's answers the storage probe reads (Docker's field names): {@code GET /system/df}
 * for the sizes of images and volumes, {@code GET /containers/json} and {@code GET /volumes} for labels (Podman's
 * {@code /system/df} leaves labels empty, so they are not taken from there).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record DockerDiskUsage(@JsonProperty("Images") List<Image> images,
                       @JsonProperty("Volumes") List<Volume> volumes) {

    private static final String DIGEST_PREFIX = "sha256:";

    DockerDiskUsage {
        images = images == null ? List.of() : images;
        volumes = volumes == null ? List.of() : volumes;
    }

    /** An image id without its {@code sha256:} prefix (Docker writes it, Podman's {@code /system/df} does not). */
    static String imageKey(String id) {
        return id != null && id.startsWith(DIGEST_PREFIX) ? id.substring(DIGEST_PREFIX.length()) : id;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Image(@JsonProperty("Id") String id, @JsonProperty("Size") long size) {
    }

    /** {@code SizeRw} is present because the engine is asked for it ({@code size=true}); absent or -1 means unknown or none. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Container(@JsonProperty("Id") String id, @JsonProperty("ImageID") String imageId,
                     @JsonProperty("Labels") Map<String, String> labels, @JsonProperty("SizeRw") Long sizeRw) {

        String label(String name) {
            return labels == null ? null : labels.get(name);
        }
    }

    /** {@code UsageData} is filled by {@code /system/df} only; its {@code Size} is -1 when the engine could not compute it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Volume(@JsonProperty("Name") String name, @JsonProperty("Labels") Map<String, String> labels,
                  @JsonProperty("UsageData") UsageData usageData) {

        String label(String name) {
            return labels == null ? null : labels.get(name);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UsageData(@JsonProperty("Size") long size, @JsonProperty("RefCount") long refCount) {
    }

    /** {@code GET /volumes}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record VolumeList(@JsonProperty("Volumes") List<Volume> volumes) {

        VolumeList {
            volumes = volumes == null ? List.of() : volumes;
        }
    }
}
