package io.servelink.payment.simulator;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The local profile's simulated provider end to end: the real ProviderClient calls it over HTTP and it calls the
 * real webhook back, signed. Only resources-service is WireMock here.
 */
@ServiceIT
@ActiveProfiles("local")
@SuppressWarnings("unchecked")
class ProviderSimulatorIT {

    private static final int PORT = freePort();
    private static final WireMockServer resources = new WireMockServer(options().dynamicPort());
    private static final String TEAM = "acme";

    @DynamicPropertySource
    static void localStack(DynamicPropertyRegistry registry) {
        resources.start();
        // the simulator lives in this service: the provider base URL and the callback name our own port
        registry.add("server.port", () -> PORT);
        registry.add("servelink.payment.public-url", () -> "http://localhost:" + PORT);
        registry.add("servelink.payment.resources-url", resources::baseUrl);
        registry.add("servelink.payment.simulator.completion-delay", () -> "300ms");
        registry.add("servelink.jobs.reconciliation.enabled", () -> "false");
    }

    @BeforeAll
    static void catalog() {
        resources.stubFor(get(urlPathEqualTo("/api/resources/acme/quote"))
                .willReturn(okJson("{\"amount_minor\": 900, \"currency\": \"EUR\", \"description\": \"Pro plan, 30 days\"}")));
    }

    @AfterAll
    static void stop() {
        resources.stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + PORT).responseTimeout(Duration.ofSeconds(20)).build();
    }

    private Map<String, Object> initiate(String body) {
        return client().post().uri("/api/payments/{team}/initiate", TEAM).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody();
    }

    private String status(Object paymentId) {
        return (String) client().get().uri("/api/payments/{id}/status", paymentId).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody().get("status");
    }

    @Test
    void mobileMoneyCompletesByItselfAFewMomentsAfterCreationThroughTheSignedWebhook() {
        Map<String, Object> created = initiate("""
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money", "phone": "+237670000001"}""");

        assertThat(created).containsEntry("status", "pending");
        assertThat((Map<String, Object>) created.get("next_action")).containsEntry("type", "push");
        await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(status(created.get("payment_id"))));
        client().get().uri("/api/payments/{id}/invoice.pdf", created.get("payment_id"))
                .header("Authorization", "Bearer " + TestTokens.member(TEAM)).exchange().expectStatus().isOk();
    }

    @Test
    void aPhoneNumberEndingIn0000Fails() {
        Map<String, Object> created = initiate("""
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money", "phone": "+237670000000"}""");

        await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(status(created.get("payment_id"))));
    }

    @Test
    void aCardPaymentCompletesOnTheCheckoutPageAndReturnsTheBrowserToTheReturnUrl() {
        Map<String, Object> created = initiate("""
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "credit_card"}""");
        String checkout = (String) ((Map<String, Object>) created.get("next_action")).get("url");
        assertThat(checkout).startsWith("http://localhost:" + PORT + "/simulator/provider/checkout/");

        WebTestClient.bindToServer().baseUrl(checkout).build().get().exchange()
                .expectStatus().isOk().expectBody(String.class).value(html -> assertThat(html).contains("<form"));
        WebTestClient.bindToServer().baseUrl(checkout + "/confirm").build().post().exchange()
                .expectStatus().isSeeOther()
                .expectHeader().value("Location", location -> assertThat(location).endsWith("/billing/payments/" + created.get("payment_id")));

        await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(status(created.get("payment_id"))));
    }

    @Test
    void cancelsAnUnconfirmedCardPaymentAtTheSimulator() {
        Map<String, Object> created = initiate("""
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "credit_card"}""");

        client().post().uri("/api/payments/{id}/cancel", created.get("payment_id")).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
    }
}
