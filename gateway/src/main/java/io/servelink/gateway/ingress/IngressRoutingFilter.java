package io.servelink.gateway.ingress;

import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Spring Cloud Gateway's routing filter, except that a project request's headers, and its response's, are done in
 * one pass ({@link ProxyHeaders}) instead of through the chain of header filters. API routes keep the chain, and so
 * do gRPC calls (trailers) and project traffic while it is observed ({@code servelink.gateway.ingress.observations}:
 * the observation's own header filters carry the trace). Declared in place of the gateway's own routing filter
 * ({@link IngressRouting}).
 * <p>
 * A gRPC call goes to its upstream over HTTP/2, whatever the gateway's client speaks otherwise: with prior knowledge
 * in cleartext (h2c) to an {@code http://} upstream, negotiated by TLS (ALPN) to an {@code https://} one. gRPC needs
 * HTTP/2 end to end; the client's side is {@link IngressHttp2}.
 */
class IngressRoutingFilter extends NettyRoutingFilter {

    private final Supplier<List<HttpHeadersFilter>> chain;
    private final boolean ingressObserved;
    private final List<HttpHeadersFilter> filters = List.of(new OnePass(HttpHeadersFilter.Type.REQUEST),
            new OnePass(HttpHeadersFilter.Type.RESPONSE));

    IngressRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> chain, HttpClientProperties properties,
            boolean ingressObserved) {
        super(httpClient, chain, properties);
        this.chain = SingletonSupplier.of(() -> chain.getIfAvailable(List::of));
        this.ingressObserved = ingressObserved;
    }

    @Override
    public List<HttpHeadersFilter> getHeadersFilters() {
        return filters;
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        HttpClient client = super.getHttpClient(route, exchange);
        if (!IngressProxy.isGrpc(exchange.getRequest())) {
            return client;
        }
        java.net.URI upstream = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        return client.protocol("https".equalsIgnoreCase(upstream.getScheme()) ? HttpProtocol.H2 : HttpProtocol.H2C);
    }

    private boolean inOnePass(ServerWebExchange exchange) {
        return !ingressObserved && IngressHosts.projectOf(exchange).isPresent() && !IngressProxy.isGrpc(exchange.getRequest());
    }

    private final class OnePass implements HttpHeadersFilter {

        private final Type type;

        OnePass(Type type) {
            this.type = type;
        }

        @Override
        public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
            if (!inOnePass(exchange)) {
                return HttpHeadersFilter.filter(chain.get(), input, exchange, type);
            }
            return type == Type.REQUEST ? ProxyHeaders.toUpstream(exchange.getRequest()) : ProxyHeaders.fromUpstream(input);
        }

        @Override
        public boolean supports(Type candidate) {
            return candidate == type;
        }
    }
}
