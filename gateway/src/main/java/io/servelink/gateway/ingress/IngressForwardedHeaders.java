package io.servelink.gateway.ingress;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells a project's upstream which host and scheme the client used ({@code X-Forwarded-Host}, {@code -Proto}),
 * replacing whatever the client claimed. Runs after the gateway's own removal of client-sent X-Forwarded headers
 * (order 0); the upstream itself receives its own host name in {@code Host}.
 */
@Component
class IngressForwardedHeaders implements HttpHeadersFilter, Ordered {

    static final String FORWARDED_HOST = "X-Forwarded-Host";
    static final String FORWARDED_PROTO = "X-Forwarded-Proto";

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        if (IngressHosts.projectOf(exchange).isEmpty()) {
            return input;
        }
        HttpHeaders headers = new HttpHeaders();
        headers.addAll(input);
        setOn(headers, exchange.getRequest());
        return headers;
    }

    /** Sets the client's host and scheme on headers bound for the upstream. */
    static void setOn(HttpHeaders upstreamHeaders, ServerHttpRequest request) {
        String clientHost = request.getHeaders().getFirst(HttpHeaders.HOST);
        if (clientHost != null) {
            upstreamHeaders.set(FORWARDED_HOST, clientHost);
        }
        upstreamHeaders.set(FORWARDED_PROTO, request.getSslInfo() == null ? "http" : "https");
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public int getOrder() {
        return 10;
    }
}
