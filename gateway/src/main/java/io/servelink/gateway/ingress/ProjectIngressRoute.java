package io.servelink.gateway.ingress;

import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * The one route of all projects: it matches by Host before the API routes (order -1) and its filter looks the
 * project up, so registry changes take effect without rebuilding routes. The gateway's handler mapping runs
 * before the annotated controllers and actuator ({@code handler-mapping.order}), so on a project host even
 * {@code /api/admin/...} or {@code /actuator/...} belong to the project. Most project requests never get here:
 * {@link IngressProxy} proxies them first; this route answers unknown project hosts (404) and suspended projects
 * (503), and proxies upgrades, gRPC and, while project traffic is observed, everything.
 */
@Configuration(proxyBeanMethods = false)
class ProjectIngressRoute {

    static final String ROUTE_ID = "project-ingress";
    /** Placeholder target; the filter replaces it with the project's upstream. */
    private static final String PLACEHOLDER_URI = "http://project-upstream.invalid";

    @Bean
    RouteLocator projectIngressRoutes(RouteLocatorBuilder routes, IngressHosts hosts) {
        return routes.routes()
                .route(ROUTE_ID, route -> route.order(-1)
                        .asyncPredicate(exchange -> Mono.just(hosts.matchAndRemember(exchange)))
                        .filters(filters -> filters.filter(new ProjectIngressFilter(), RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1))
                        .uri(PLACEHOLDER_URI))
                .build();
    }
}
