package io.servelink.gateway.security;

import io.servelink.contracts.spring.SecuritySettings;
import io.servelink.contracts.spring.ServelinkAutoConfiguration;
import io.servelink.gateway.ingress.IngressHosts;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * Two chains. Project hosts first: a project's traffic (its own {@code /api/...} paths included) is the project's
 * business, so the gateway neither checks tokens there nor adds security headers to the project's responses.
 * Everything else is the gateway's API: tokens are checked here and relayed, and each service checks them again.
 */
@Configuration(proxyBeanMethods = false)
class GatewaySecurity {

    /** The payment provider's webhook (HMAC-verified by payment-service) and the local profile's token endpoint. */
    static final List<String> GATEWAY_PUBLIC = List.of("/api/payments/callback", "/dev/token");

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain projectIngressSecurity(ServerHttpSecurity http, IngressHosts ingress) {
        ServerWebExchangeMatcher projectHosts = exchange -> ingress.isIngress(exchange)
                ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
        return http.securityMatcher(projectHosts)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .build();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder, SecuritySettings settings) {
        List<String> publicPaths = new ArrayList<>(ServelinkAutoConfiguration.ALWAYS_PUBLIC);
        publicPaths.addAll(GATEWAY_PUBLIC);
        publicPaths.addAll(settings.publicPaths());
        return ServelinkAutoConfiguration.statelessTokenChain(http, decoder)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(publicPaths.toArray(String[]::new)).permitAll()
                        .anyExchange().authenticated())
                .build();
    }
}
