package io.servelink.usage.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The parts of the Docker Engine API's {@code GET /system/df} answer the storage probe reads (Docker's field names). */
@JsonIgnoreProperties(ignoreUnknown = true)
record DockerDiskUsage(@JsonProperty("Images") List<Image> images,
                       @JsonProperty("Containers") List<Container> containers,
                       @JsonProperty("Volumes") List<Volume> volumes) {

    DockerDiskUsage {
        images = images == null ? List.of() : images;
        containers = containers == null ? List.of() : containers;
        volumes = volumes == null ? List.of() : volumes;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Image(@JsonProperty("Id") String id, @JsonProperty("Size") long size, @JsonProperty("SharedSize") long sharedSize) {
    }

    /** {@code SizeRw} is present because the engine is asked for it (it is -1 or absent otherwise). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Container(@JsonProperty("Id") String id, @JsonProperty("ImageID") String imageId,
                     @JsonProperty("Labels") Map<String, String> labels, @JsonProperty("SizeRw") Long sizeRw) {

        String label(String name) {
            return labels == null ? null : labels.get(name);
        }
    }

    /** {@code UsageData.Size} is -1 when the engine could not compute it. */
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
}
