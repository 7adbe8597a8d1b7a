package io.servelink.payment.simulator;

import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The simulator shares its server with payment-service, whose security would read the provider API key in
 * {@code Authorization: Bearer} as a user token and refuse it. Before security runs, this filter moves that
 * header of {@code /simulator/provider/**} requests to {@link #API_KEY_HEADER}, where the simulator checks it.
 * Local profile only, like the simulator.
 */
@Profile("local")
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SimulatorApiKeyFilter implements WebFilter {

    static final String API_KEY_HEADER = "X-Simulator-Authorization";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/simulator/provider/")) {
            return chain.filter(exchange);
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return chain.filter(exchange.mutate().request(request -> request.headers(headers -> {
            headers.remove(HttpHeaders.AUTHORIZATION);
            if (authorization != null) {
                headers.set(API_KEY_HEADER, authorization);
            }
        })).build());
    }
}
