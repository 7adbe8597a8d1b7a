package io.servelink.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The page the payment provider returns the payer's browser to after a card checkout
 * ({@code /billing/payments/{payment_id}}, payment-service's {@code servelink.payment.return-url}): the dashboard's
 * shell for a browser without a token, while every API path, and every other method on the page's path, still needs
 * one.
 */
@GatewayIT
class PaymentOutcomePageIT {

    /** What Chromium sends when it follows the provider's redirect. */
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
            + "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    @LocalServerPort
    int port;

    private final String paymentId = UUID.randomUUID().toString();

    @Test
    void aBrowserWithoutATokenGetsTheDashboardShell() {
        for (String accept : new String[] {MediaType.TEXT_HTML_VALUE, BROWSER_ACCEPT}) {
            String html = client().get().uri("/billing/payments/" + paymentId).header(HttpHeaders.ACCEPT, accept).exchange()
                    .expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                    .expectBody(String.class).returnResult().getResponseBody();
            // the same shell as "/": the app's module, its stylesheet, the element the views render into
            assertThat(html).contains("<main id=\"main\"").contains("src=\"/app/main.js\"").contains("href=\"/app/style.css\"");
        }
    }

    @Test
    void theApiStillNeedsAToken() {
        for (String path : new String[] {"/api/payments/" + paymentId + "/status", "/api/payments/" + paymentId,
                "/api/payments/demo/history"}) {
            client().get().uri(path).header(HttpHeaders.ACCEPT, MediaType.TEXT_HTML_VALUE).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unauthenticated");
        }
    }

    @Test
    void nothingElseOpensUp() {
        // other methods on the page's path
        client().post().uri("/billing/payments/" + paymentId).header(HttpHeaders.ACCEPT, MediaType.TEXT_HTML_VALUE).exchange()
                .expectStatus().isUnauthorized();
        client().delete().uri("/billing/payments/" + paymentId).exchange().expectStatus().isUnauthorized();
        // neighbouring paths
        for (String path : new String[] {"/billing", "/billing/payments", "/billing/payments/" + paymentId + "/invoice.pdf",
                "/billing/other/" + paymentId}) {
            client().get().uri(path).header(HttpHeaders.ACCEPT, MediaType.TEXT_HTML_VALUE).exchange()
                    .expectStatus().isUnauthorized();
        }
        // a GET that does not ask for HTML gets no page
        client().get().uri("/billing/payments/" + paymentId).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE).exchange()
                .expectStatus().isNotFound();
        // an invalid token is refused here as on every path (a client that sends one learns it is bad)
        client().get().uri("/billing/payments/" + paymentId).header(HttpHeaders.ACCEPT, MediaType.TEXT_HTML_VALUE)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.forged("demo")).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void projectHostsKeepTheirOwnPaths() {
        // on a project host every path is the project's: an unknown one answers the ingress's 404, not the dashboard
        client().get().uri("/billing/payments/" + paymentId).header(HttpHeaders.HOST, "nobody-here.apps.localhost")
                .header(HttpHeaders.ACCEPT, MediaType.TEXT_HTML_VALUE).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }
}
