package io.servelink.usage.storage;

import reactor.core.publisher.Mono;

/**
 * Measures the disk each project uses now. One implementation per runtime: {@link DockerStorageProbe} (Docker
 * Engine API), {@link KubeletStatsProbe} (every node's kubelet summary: PVCs and pods' ephemeral storage),
 * {@link DirectoryStorageProbe} (each project's data directory on a single host). An error means "could not measure": the storage job
 * then keeps the previous figures and answers degraded.
 */
interface StorageProbe {

    /** Short name stored with each measurement: {@code docker}, {@code kubelet}, {@code directory}. */
    String source();

    /**
     * Each project found, and whether the run covered everything; an error when nothing could be measured. A probe
     * that reads several places (nodes) answers with what it could read and {@code complete=false} when some failed.
     */
    Mono<StorageSnapshot> measure();
}
