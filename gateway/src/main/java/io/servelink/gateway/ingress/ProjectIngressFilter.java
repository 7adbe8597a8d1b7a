package io.servelink.gateway.ingress;

import io.servelink.contracts.problem.ProblemTypes;
import io.servelink.starter.ProblemWriter;
import io.servelink.gateway.projects.Project;
import java.net.URI;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Points a project request at the project's upstream (path and query kept), or answers for the gateway: 404 for a
 * host under the ingress suffix that no project has, 503 for a suspended project. The upstream gets its own Host;
 * the client's Host travels in {@code X-Forwarded-Host} ({@link IngressForwardedHeaders}). Runs right after {@code RouteToRequestUrlFilter}, whose
 * placeholder URL it replaces.
 */
class ProjectIngressFilter implements GatewayFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return IngressHosts.projectOf(exchange)
                .map(project -> project.isActive() ? proxy(project, exchange, chain) : suspended(exchange))
                .orElseGet(() -> ProblemWriter.notFound(exchange, "No project is served at this host"));
    }

    private static Mono<Void> proxy(Project project, ServerWebExchange exchange, GatewayFilterChain chain) {
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR,
                upstreamUrl(project.upstreamUri(), exchange.getRequest().getURI()));
        return chain.filter(exchange);
    }

    static URI upstreamUrl(URI upstream, URI requested) {
        return URI.create(upstreamAddress(upstream, requested));
    }

    /** The upstream's scheme, authority and base path (trailing slashes dropped), then the request's raw path and query. */
    static String upstreamAddress(URI upstream, URI requested) {
        String basePath = upstream.getRawPath() == null ? "" : upstream.getRawPath();
        int end = basePath.length();
        while (end > 0 && basePath.charAt(end - 1) == '/') {
            end--;
        }
        StringBuilder address = new StringBuilder(96).append(upstream.getScheme()).append("://").append(upstream.getRawAuthority())
                .append(basePath, 0, end).append(requested.getRawPath());
        if (requested.getRawQuery() != null) {
            address.append('?').append(requested.getRawQuery());
        }
        return address.toString();
    }

    private static Mono<Void> suspended(ServerWebExchange exchange) {
        return ProblemWriter.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.UNAVAILABLE, "Service unavailable",
                "This project is suspended");
    }
}
