package io.servelink.gateway.dashboard;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.accept;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Pages of the dashboard that live at a path of their own rather than behind {@code /#/...}: the payment outcome
 * page, where the payment provider sends the payer's browser back after a card checkout (payment-service's
 * {@code servelink.payment.return-url}, {@code /billing/payments/{payment_id}}). The gateway answers it with the
 * dashboard's shell ({@code index.html}); the app reads the path and shows the payment (docs/dashboard.md).
 *
 * <p>Only a {@code GET} that accepts HTML gets the shell: any other method needs a token like everything else
 * (GatewaySecurity permits only {@code GET} of this path), and a {@code GET} asking for JSON finds no page (404).
 * Project hosts never get here: their traffic goes to the project before any handler mapping.
 */
@Configuration(proxyBeanMethods = false)
public class DashboardPages {

    /** Where the payer lands after a card checkout; public for {@code GET} (the page carries no data itself). */
    public static final String PAYMENT_OUTCOME = "/billing/payments/{payment_id}";

    @Bean
    RouterFunction<ServerResponse> paymentOutcomePage(@Value("classpath:/static/index.html") Resource shell) {
        return RouterFunctions.route(GET(PAYMENT_OUTCOME).and(accept(MediaType.TEXT_HTML)),
                request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).body(BodyInserters.fromResource(shell)));
    }
}
