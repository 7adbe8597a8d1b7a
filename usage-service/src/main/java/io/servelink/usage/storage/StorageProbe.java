package io.servelink.usage.storage;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Measures the disk each project uses now. One implementation per runtime: {@link DockerStorageProbe} (Docker
 * Engine API), {@link KubeletStatsProbe} (Kubernetes PVCs). An error means "could not measure": the storage job
 * then keeps the previous figures and answers degraded.
 */
interface StorageProbe {

    /** Short name stored with each measurement: {@code docker}, {@code kubelet}. */
    String source();

    /** Each project found, by project id. */
    Mono<Map<String, ProjectStorage>> measure();
}
