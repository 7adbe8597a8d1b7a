package io.servelink.usage.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Disk use per project on Kubernetes, from the kubelet's stats summary ({@code GET /stats/summary}): the
 * {@code usedBytes} of every PersistentVolumeClaim in the project's namespace ({@code <prefix><project id>}),
 * each claim counted once however many pods mount it. Images are not counted here: on Kubernetes they live in
 * the node's image store, shared and not billed per project. One client for this peer: the {@link PeerClient}
 * {@code kubelet} (a read, so retried).
 */
final class KubeletStatsProbe implements StorageProbe {

    static final String INSTANCE = "kubelet";

    private final PeerClient kubelet;
    private final StorageSettings.Kubelet settings;

    KubeletStatsProbe(StorageSettings.Kubelet settings, PeerClients peers) {
        this.settings = settings;
        this.kubelet = peers.peer(INSTANCE, settings.url())
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .web(web -> web.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024)))
                .build();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Summary(List<Pod> pods) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pod(List<PodVolume> volume) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodVolume(String name, Long usedBytes, PvcRef pvcRef) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PvcRef(String name, String namespace) {
    }

    @Override
    public String source() {
        return "kubelet";
    }

    @Override
    public Mono<StorageSnapshot> measure() {
        return kubelet.idempotent(token().flatMap(this::summary))
                .map(summary -> StorageSnapshot.complete(perProject(summary, settings.namespacePrefix())));
    }

    private Mono<Summary> summary(String token) {
        return kubelet.web().get().uri("/stats/summary")
                .headers(headers -> {
                    if (!token.isEmpty()) {
                        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
                    }
                })
                .retrieve()
                .onStatus(HttpStatusCode::isError, kubelet::problem)
                .bodyToMono(Summary.class);
    }

    private Mono<String> token() {
        if (settings.tokenFile().isBlank()) {
            return Mono.just("");
        }
        return Mono.fromCallable(() -> Files.readString(Path.of(settings.tokenFile())).strip())
                .subscribeOn(Schedulers.boundedElastic());
    }

    static Map<String, ProjectStorage> perProject(Summary summary, String namespacePrefix) {
        Map<String, Long> used = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Pod pod : summary.pods() == null ? List.<Pod>of() : summary.pods()) {
            for (PodVolume volume : pod.volume() == null ? List.<PodVolume>of() : pod.volume()) {
                PvcRef pvc = volume.pvcRef();
                if (pvc == null || pvc.namespace() == null || !pvc.namespace().startsWith(namespacePrefix)
                        || !seen.add(pvc.namespace() + "/" + pvc.name())) {
                    continue;
                }
                String project = pvc.namespace().substring(namespacePrefix.length());
                used.merge(project, volume.usedBytes() == null ? 0 : Math.max(0, volume.usedBytes()), Math::addExact);
            }
        }
        Map<String, ProjectStorage> result = new HashMap<>();
        used.forEach((project, bytes) -> result.put(project, new ProjectStorage(bytes, 0, 0)));
        return result;
    }
}
