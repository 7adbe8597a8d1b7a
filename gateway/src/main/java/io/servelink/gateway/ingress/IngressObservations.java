package io.servelink.gateway.ingress;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.gateway.filter.headers.observation.GatewayContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * No per-request observation (server timer and span, upstream-call timer and span) for project traffic: it is
 * unbounded customers' traffic, already counted byte for byte by the metering, and observing it cost about half
 * of the gateway's CPU per proxied request (docs/benchmarks.md). The gateway's own API keeps its metrics and
 * traces. {@code servelink.gateway.ingress.observations=true} observes project traffic too (for a diagnosis).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "servelink.gateway.ingress.observations", havingValue = "false", matchIfMissing = true)
class IngressObservations {

    @Bean
    ObservationPredicate projectTrafficIsNotObserved(IngressHosts hosts) {
        return (name, context) -> switch (context) {
            case ServerRequestObservationContext server -> !hosts.isIngress(server.getCarrier());
            case GatewayContext upstream -> !hosts.isIngress(upstream.getRequest());
            default -> true;
        };
    }
}
