package io.servelink.usage.storage;

import io.servelink.starter.client.PeerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/** The storage probe named by {@code servelink.usage.storage.probe}. */
@Configuration(proxyBeanMethods = false)
class StorageProbeConfiguration {

    @Bean
    StorageProbe storageProbe(StorageSettings settings, PeerClients peers) {
        return switch (settings.probe()) {
            case "docker" -> new DockerStorageProbe(new DockerEngineClient(settings.docker(), peers), settings.docker().label());
            case "kubelet" -> new KubeletStatsProbe(settings.kubelet(), peers);
            case "directory" -> new DirectoryStorageProbe(settings.directory().root(), new FileStatus());
            case "none" -> new NoProbe();
            default -> throw new IllegalStateException("servelink.usage.storage.probe must be docker, kubelet, directory or none; "
                    + "got " + settings.probe());
        };
    }

    /** Where nothing can be measured: every run is degraded. */
    static final class NoProbe implements StorageProbe {

        @Override
        public String source() {
            return "none";
        }

        @Override
        public Mono<StorageSnapshot> measure() {
            return Mono.error(new IllegalStateException("no storage probe is configured (servelink.usage.storage.probe=none)"));
        }
    }
}
