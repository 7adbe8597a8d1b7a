package io.servelink.gateway.ingress;

import io.servelink.contracts.problem.ProblemTypes;
import io.servelink.starter.ProblemWriter;
import io.servelink.gateway.projects.Project;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The project proxy: a plain HTTP request for a registered, active project goes to the project's upstream from
 * here, right after the per-address rate limit and the metering, without the security chain, the handler mapping
 * and Spring Cloud Gateway's filter chain, through which a project request used to pass only to reach a routing
 * filter like this one (about a quarter of the gateway's CPU per proxied 1 KB request, docs/benchmarks.md). Same client
 * as the gateway's routes (its pool and connect timeout), the same headers ({@link ProxyHeaders}, here straight
 * between Netty's header maps), both bodies streamed. An upstream that cannot be reached (refused, connect
 * timeout, unknown host) is a 502 problem;
 * one that sends nothing for {@code servelink.gateway.ingress.upstream-read-timeout} a 504 (mid-answer: the
 * connection closes).
 * <p>
 * The gateway's own route ({@link ProjectIngressRoute}) still serves the rest of the ingress: protocol upgrades
 * (WebSocket), gRPC (trailers), hosts under the ingress suffix that no project has (404) and suspended projects
 * (503), and all project traffic while it is observed ({@code servelink.gateway.ingress.observations}).
 */
final class IngressProxy implements WebFilter, Ordered {

    /** After the per-address rate limit (-200) and the metering (-160), before the security chain (-100). */
    static final int ORDER = -150;
    private static final LongConsumer NOT_COUNTED = bytes -> { };

    private final IngressHosts hosts;
    private final HttpClient client;
    private final List<MediaType> streamingMediaTypes;

    IngressProxy(IngressHosts hosts, HttpClient client, Integer connectTimeoutMillis, Duration readTimeout,
            List<MediaType> streamingMediaTypes) {
        this.hosts = hosts;
        HttpClient withReadTimeout = client.responseTimeout(readTimeout);
        this.client = connectTimeoutMillis == null ? withReadTimeout
                : withReadTimeout.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        this.streamingMediaTypes = List.copyOf(streamingMediaTypes);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Optional<Project> project = hosts.resolve(exchange);
        if (project.isEmpty() || !project.get().isActive() || needsTheRoute(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        return proxy(project.get(), exchange);
    }

    /** Protocol upgrades and gRPC: the gateway's route handles them (its WebSocket client, its trailers). */
    static boolean needsTheRoute(ServerHttpRequest request) {
        return request.getHeaders().containsHeader(HttpHeaders.UPGRADE) || isGrpc(request);
    }

    /** A gRPC call: its trailers need the gateway's own header filters (here and in {@link IngressRoutingFilter}). */
    static boolean isGrpc(ServerHttpRequest request) {
        return StringUtils.startsWithIgnoreCase(request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE), "application/grpc");
    }

    private Mono<Void> proxy(Project project, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        boolean secure = request.getSslInfo() != null;
        Mono<Exchanged> answered = client
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(request.getMethod().name()))
                // a URI rather than its string: Reactor Netty takes a string apart with a regular expression per request
                .uri(URI.create(ProjectIngressFilter.upstreamAddress(project.upstreamUri(), request.getURI())))
                .send((upstreamRequest, outbound) -> {
                    // here rather than with HttpClient.headers(...), which copies the client's configuration per request
                    ProxyHeaders.toUpstream(nativeRequest.requestHeaders(), secure, upstreamRequest.requestHeaders());
                    return outbound.send(requestBody(request));
                })
                .responseConnection((response, connection) -> Mono.just(new Exchanged(response, connection)))
                .next();
        return answeredUnlessUnreachable(answered.flatMap(upstream -> relay(upstream, exchange.getResponse())), exchange)
                .onErrorResume(error -> !exchange.getResponse().isCommitted() && causedBy(error, ReadTimeoutException.class),
                        error -> gatewaysOwn(exchange, HttpStatus.GATEWAY_TIMEOUT, "Gateway timeout", "The project's upstream did not answer in time"));
    }

    /**
     * {@code proxied}, or the gateway's 502 problem when the project's upstream cannot be reached (refused, timed out
     * connecting, unknown host) before the client's answer began: for plain requests and upgrades alike.
     */
    static Mono<Void> answeredUnlessUnreachable(Mono<Void> proxied, ServerWebExchange exchange) {
        return proxied.onErrorResume(error -> !exchange.getResponse().isCommitted()
                        && (causedBy(error, ConnectException.class) || causedBy(error, UnknownHostException.class)),
                error -> gatewaysOwn(exchange, HttpStatus.BAD_GATEWAY, "Bad gateway", "The project's upstream could not be reached"));
    }

    /**
     * A problem answered by the gateway, on the exchange as it came to the filters: its bytes are not the project's,
     * so the metering's decorated response does not count them (the exchange still counts as a request).
     */
    private static Mono<Void> gatewaysOwn(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        ServerWebExchange original = exchange;
        while (original instanceof ServerWebExchangeDecorator decorator) {
            original = decorator.getDelegate();
        }
        return ProblemWriter.write(original, status, ProblemTypes.UNAVAILABLE, title, detail);
    }

    /**
     * The client's body to the upstream, streamed; counted, if the request counts ({@link CountedBody}), in the same
     * operator that hands each buffer on.
     */
    private static Flux<ByteBuf> requestBody(ServerHttpRequest request) {
        if (request instanceof CountedBody<?> counted && counted.uncounted() instanceof ServerHttpRequest plain) {
            return plain.getBody().map(buffer -> {
                counted.count(buffer.readableByteCount());
                return NettyDataBufferFactory.toByteBuf(buffer);
            });
        }
        return request.getBody().map(NettyDataBufferFactory::toByteBuf);
    }

    /**
     * The upstream's status, headers and body to the client, streamed; the upstream connection closes if the client
     * goes. A counted response ({@link CountedBody}) is written underneath and counted in the body's one operator.
     */
    private Mono<Void> relay(Exchanged upstream, ServerHttpResponse response) {
        if (response instanceof CountedBody<?> counted && counted.uncounted() instanceof ServerHttpResponse plain) {
            return relay(upstream, plain, counted::count);
        }
        return relay(upstream, response, NOT_COUNTED);
    }

    private Mono<Void> relay(Exchanged upstream, ServerHttpResponse response, LongConsumer count) {
        response.setStatusCode(HttpStatusCode.valueOf(upstream.response().status().code()));
        ProxyHeaders.fromUpstream(upstream.response().responseHeaders(), response.getHeaders()::add);
        NettyDataBufferFactory buffers = (NettyDataBufferFactory) response.bufferFactory();
        Connection connection = upstream.connection();
        Flux<DataBuffer> body = connection.inbound().receive().retain().map(buffer -> {
            count.accept(buffer.readableBytes());
            return buffers.wrap(buffer);
        });
        Mono<Void> written = isStreaming(response.getHeaders())
                ? response.writeAndFlushWith(body.map(Flux::just))
                : response.writeWith(body);
        return written.doOnCancel(() -> close(connection)).doOnError(error -> close(connection));
    }

    /** Event streams and the like go to the client buffer by buffer, as the upstream sends them. */
    private boolean isStreaming(HttpHeaders headers) {
        try {
            MediaType type = headers.getContentType();
            return type != null && streamingMediaTypes.stream().anyMatch(type::isCompatibleWith);
        } catch (InvalidMediaTypeException e) {
            return false; // the upstream's business; it is relayed as it came
        }
    }

    private static void close(Connection connection) {
        if (connection.channel().isActive()) {
            connection.dispose();
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private record Exchanged(HttpClientResponse response, Connection connection) {
    }
}
