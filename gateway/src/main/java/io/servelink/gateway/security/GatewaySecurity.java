package io.servelink.gateway.security;

import io.servelink.starter.SecuritySettings;
import io.servelink.starter.ServelinkAutoConfiguration;
import io.servelink.gateway.dashboard.DashboardPages;
import io.servelink.gateway.ingress.IngressHosts;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * One chain, for the gateway's API: tokens are checked here and relayed, and each service checks them again.
 * Project hosts match no chain, so Spring Security does not run for them at all: a project's traffic (its own
 * {@code /api/...} paths included) is the project's business, the gateway neither checks tokens there nor adds
 * security headers to the project's responses, and the hottest path pays nothing for a chain that would permit
 * everything (docs/benchmarks.md).
 */
@Configuration(proxyBeanMethods = false)
class GatewaySecurity {

    /**
     * The payment providers' webhooks (the generic contract's and each adapter's, signature-verified by payment-service)
     * and the test-tokens profile's token endpoint.
     */
    static final List<String> GATEWAY_PUBLIC = List.of("/api/payments/callback", "/api/webhooks/*", "/dev/token");

    /**
     * Spring Security's strict firewall (which refuses ambiguous paths and odd header names before any security
     * decision) guards the API; project traffic, on which the gateway makes no security decision, passes as the
     * client sent it, as through any reverse proxy. The firewall checked every header of every proxied request.
     */
    @Bean
    ServerWebExchangeFirewall apiOnlyFirewall(IngressHosts ingress) {
        ServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();
        return exchange -> ingress.isIngress(exchange)
                ? ServerWebExchangeFirewall.INSECURE_NOOP.getFirewalledExchange(exchange)
                : strict.getFirewalledExchange(exchange);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder, SecuritySettings settings,
            IngressHosts ingress) {
        List<String> publicPaths = new ArrayList<>(ServelinkAutoConfiguration.ALWAYS_PUBLIC);
        publicPaths.addAll(GATEWAY_PUBLIC);
        publicPaths.addAll(settings.publicPaths());
        ServerWebExchangeMatcher notProjectHosts = exchange -> ingress.isIngress(exchange)
                ? ServerWebExchangeMatcher.MatchResult.notMatch() : ServerWebExchangeMatcher.MatchResult.match();
        return ServelinkAutoConfiguration.statelessTokenChain(http.securityMatcher(notProjectHosts), decoder)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(publicPaths.toArray(String[]::new)).permitAll()
                        // the dashboard's payment outcome page (the provider's return_url): its shell, GET only
                        .pathMatchers(HttpMethod.GET, DashboardPages.PAYMENT_OUTCOME).permitAll()
                        .anyExchange().authenticated())
                .build();
    }
}
