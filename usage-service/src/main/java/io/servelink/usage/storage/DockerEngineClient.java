package io.servelink.usage.storage;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Mono;
import reactor.netty.ReactorNetty;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * The one client of the Docker Engine API, over the engine's unix socket ({@code unix:///var/run/docker.sock}) or TCP
 * ({@code http://host:2375}): the {@link PeerClient} {@code docker-engine}, whose time limiter, retry (reads only, so
 * idempotent) and circuit breaker are configured in application.yml. Over a unix socket, Reactor Netty connects to the
 * socket with whichever transport it runs (native epoll where present, otherwise the JDK's own unix-domain channels);
 * requests then carry a relative URI, since Reactor Netty connects to the host of an absolute one whatever remote
 * address is set.
 */
final class DockerEngineClient {

    static final String INSTANCE = "docker-engine";
    private static final String UNIX = "unix";
    private static final ParameterizedTypeReference<List<DockerDiskUsage.Container>> CONTAINERS = new ParameterizedTypeReference<>() {
    };

    private final PeerClient engine;
    private final String target;

    DockerEngineClient(StorageSettings.Docker settings, PeerClients peers) {
        URI url = settings.url();
        this.target = url.toString();
        boolean unix = UNIX.equals(url.getScheme());
        SocketAddress socket = unix ? socketAddress(url.getPath()) : null;
        String base = unix ? "" : url.toString().replaceAll("/+$", "");
        this.engine = peers.peer(INSTANCE, base + "/" + settings.apiVersion())
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .transport(http -> unix ? overUnixSocket(http, socket) : http)
                .web(web -> web.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024)))
                .build();
    }

    /**
     * Over the socket, every request says HTTP/1.1: Reactor Netty 1.3's NIO transport writes {@code HTTP/3.0} in the
     * request line of a unix-domain connection, which engines refuse (Podman answers 505).
     */
    private static HttpClient overUnixSocket(HttpClient http, SocketAddress socket) {
        return http.remoteAddress(() -> socket)
                .doOnConnected(connection -> connection.addHandlerLast("servelink-http11", new Http11RequestLine()));
    }

    private static final class Http11RequestLine extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
            if (message instanceof HttpRequest request && !HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
                request.setProtocolVersion(HttpVersion.HTTP_1_1);
            }
            super.write(context, message, promise);
        }
    }

    /**
     * Netty's native transports (epoll, io_uring, kqueue) connect to a {@link DomainSocketAddress}; the NIO transport,
     * used where no native one loads or {@code -Dreactor.netty.native=false}, to the JDK's {@link UnixDomainSocketAddress}.
     */
    static SocketAddress socketAddress(String path) {
        boolean nativeTransport = LoopResources.hasNativeSupport() && Boolean.parseBoolean(System.getProperty(ReactorNetty.NATIVE, "true"));
        return nativeTransport ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }

    String target() {
        return target;
    }

    /**
     * {@code GET /system/df?type=image&type=volume}: images and volumes with their sizes (engines that do not know
     * {@code type} answer containers too, which are not read from here).
     */
    Mono<DockerDiskUsage> diskUsage() {
        return engine.idempotent(engine.web().get()
                .uri(uri -> uri.path("/system/df").queryParam("type", "image", "volume").build())
                .retrieve()
                .onStatus(HttpStatusCode::isError, engine::problem)
                .bodyToMono(DockerDiskUsage.class));
    }

    /** {@code GET /containers/json?all=true&size=true} of the containers carrying {@code label}, with their writable layers. */
    Mono<List<DockerDiskUsage.Container>> containers(String label) {
        return engine.idempotent(engine.web().get()
                .uri(uri -> uri.path("/containers/json").queryParam("all", "true").queryParam("size", "true")
                        .queryParam("filters", "{filters}").build(labelFilter(label)))
                .retrieve()
                .onStatus(HttpStatusCode::isError, engine::problem)
                .bodyToMono(CONTAINERS));
    }

    /** {@code GET /volumes} of the volumes carrying {@code label} (names and labels; their sizes come from {@link #diskUsage}). */
    Mono<List<DockerDiskUsage.Volume>> volumes(String label) {
        return engine.idempotent(engine.web().get()
                .uri(uri -> uri.path("/volumes").queryParam("filters", "{filters}").build(labelFilter(label)))
                .retrieve()
                .onStatus(HttpStatusCode::isError, engine::problem)
                .bodyToMono(DockerDiskUsage.VolumeList.class)
                .map(DockerDiskUsage.VolumeList::volumes));
    }

    private static String labelFilter(String label) {
        return "{\"label\":[\"" + label + "\"]}";
    }
}
