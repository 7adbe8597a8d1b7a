package io.servelink.usage.storage;

import io.netty.channel.unix.DomainSocketAddress;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import java.net.URI;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Mono;

/**
 * The one client of the Docker Engine API, over TCP ({@code http://host:2375}) or the engine's unix socket
 * ({@code unix:///var/run/docker.sock}): the {@link PeerClient} {@code docker-engine}, whose time limiter, retry (reads
 * only, so idempotent) and circuit breaker are configured in application.yml.
 */
final class DockerEngineClient {

    static final String INSTANCE = "docker-engine";
    private static final String UNIX = "unix";

    private final PeerClient engine;
    private final String target;

    DockerEngineClient(StorageSettings.Docker settings, PeerClients peers) {
        URI url = settings.url();
        this.target = url.toString();
        boolean unix = UNIX.equals(url.getScheme());
        DomainSocketAddress socket = unix ? new DomainSocketAddress(url.getPath()) : null;
        this.engine = peers.peer(INSTANCE, (unix ? "http://localhost" : url.toString()) + "/" + settings.apiVersion())
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .transport(http -> unix ? http.remoteAddress(() -> socket) : http)
                .web(web -> web.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024)))
                .build();
    }

    String target() {
        return target;
    }

    /** {@code GET /system/df}: images, containers (with their writable layer sizes) and volumes with their sizes. */
    Mono<DockerDiskUsage> diskUsage() {
        return engine.idempotent(engine.web().get().uri("/system/df")
                .retrieve()
                .onStatus(HttpStatusCode::isError, engine::problem)
                .bodyToMono(DockerDiskUsage.class));
    }
}
