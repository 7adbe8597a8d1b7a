package io.servelink.gateway.metering;

import io.servelink.gateway.ingress.CountedBody;
import io.servelink.gateway.ingress.IngressHosts;
import io.servelink.gateway.projects.Project;
import java.util.function.LongConsumer;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts the body bytes of project traffic as they stream: request buffers as the upstream call reads them,
 * response buffers as they are handed to the client connection. Headers and Content-Length are never used: a
 * HEAD response declares a length and has no body, chunked transfers declare none, clients can lie. Nothing is
 * buffered. The exchange counts as one request when it finishes: completed, failed or cancelled (an aborted
 * transfer has counted what crossed until then). Only active projects' traffic is metered.
 * <p>
 * A web filter, right before the project proxy ({@code IngressProxy}) and after the per-address rate limit: the
 * exchange it hands on counts whichever path proxies it, the proxy's own or the gateway's route (upgrades, gRPC).
 * The proxy counts through {@link CountedBody} in its own per-buffer operator; the route through the decorators.
 */
class MeteringFilter implements WebFilter, Ordered {

    /** Before the project proxy (-150), after the per-address rate limit (-200): a refused request is not metered. */
    static final int ORDER = -160;

    private final TrafficMeter meter;
    private final IngressHosts hosts;

    MeteringFilter(TrafficMeter meter, IngressHosts hosts) {
        this.meter = meter;
        this.hosts = hosts;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return hosts.resolve(exchange).filter(Project::isActive)
                .map(project -> metered(project.id(), exchange, chain))
                .orElseGet(() -> chain.filter(exchange));
    }

    private Mono<Void> metered(String projectId, ServerWebExchange exchange, WebFilterChain chain) {
        ServerWebExchange counted = exchange.mutate()
                .request(new CountingRequest(exchange.getRequest(), bytes -> meter.requestBytes(projectId, bytes)))
                .response(new CountingResponse(exchange.getResponse(), bytes -> meter.responseBytes(projectId, bytes)))
                .build();
        return chain.filter(counted).doFinally(signal -> meter.exchangeFinished(projectId));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private static final class CountingRequest extends ServerHttpRequestDecorator implements CountedBody<ServerHttpRequest> {

        private final LongConsumer counter;

        CountingRequest(ServerHttpRequest delegate, LongConsumer counter) {
            super(delegate);
            this.counter = counter;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return super.getBody().doOnNext(buffer -> counter.accept(buffer.readableByteCount()));
        }

        @Override
        public ServerHttpRequest uncounted() {
            return getDelegate();
        }

        @Override
        public void count(long bytes) {
            counter.accept(bytes);
        }
    }

    private static final class CountingResponse extends ServerHttpResponseDecorator implements CountedBody<ServerHttpResponse> {

        private final LongConsumer counter;

        CountingResponse(ServerHttpResponse delegate, LongConsumer counter) {
            super(delegate);
            this.counter = counter;
        }

        @Override
        public ServerHttpResponse uncounted() {
            return getDelegate();
        }

        @Override
        public void count(long bytes) {
            counter.accept(bytes);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return super.writeWith(counted(body));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return super.writeAndFlushWith(Flux.from(body).map(this::counted));
        }

        private Flux<? extends DataBuffer> counted(Publisher<? extends DataBuffer> body) {
            return Flux.from(body).doOnNext(buffer -> counter.accept(buffer.readableByteCount()));
        }
    }
}
