package io.servelink.payment.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.PaymentItSupport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

class ProviderResilienceIT extends PaymentItSupport {

    @DynamicPropertySource
    static void reconcileAtOnce(DynamicPropertyRegistry registry) {
        registry.add("servelink.payment.reconciliation.min-age", () -> "0s");
    }

    @Autowired
    CircuitBreakerRegistry breakers;

    @BeforeEach
    void closeTheBreaker() {
        breakers.circuitBreaker("provider").reset();
    }

    private String paymentIdOf(String reference) {
        return queryString("SELECT id FROM payments WHERE reference = ?", reference);
    }

    private WebTestClient.ResponseSpec reconcile(String token) {
        return client().post().uri("/api/payments/admin/jobs/reconciliation").header("Authorization", "Bearer " + token).exchange();
    }

    @Test
    void aProvider500IsRetriedWithTheSameIdempotencyKeyThen503AndThePaymentStaysPendingForReconciliation() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(500)));

        initiateCard("plan:p500").expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.payment_id").isEqualTo(paymentIdOf("plan:p500"));

        String paymentId = paymentIdOf("plan:p500");
        List<LoggedRequest> creates = wiremock.findAll(postRequestedFor(urlEqualTo("/v1/payments")));
        assertThat(creates).hasSize(3).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo(paymentId));
        assertThat(statusOf(paymentId)).isEqualTo("pending");

        // the provider never created it: reconciliation finds no payment under the key and fails it
        wiremock.stubFor(get(urlEqualTo("/v1/payments/by-idempotency-key/" + paymentId)).willReturn(aResponse().withStatus(404)));
        reconcile(TestTokens.platform(PlatformRole.OPERATOR)).expectStatus().isOk().expectBody().jsonPath("$.ran").isEqualTo(true);
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(queryString("SELECT failure_reason FROM payments WHERE id = ?", UUID.fromString(paymentId)))
                .isEqualTo("never_reached_provider");
        assertThat(paymentEvents(paymentId)).singleElement()
                .satisfies(r -> assertThat(typeOf(r)).isEqualTo("PaymentFailed"));
    }

    @Test
    void aSlowProviderTimesOutWith503AndReconciliationLaterFindsThePaymentItDidCreate() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(201).withFixedDelay(3_000)
                .withHeader("Content-Type", "application/json").withBody("{}")));

        long started = System.nanoTime();
        initiateCard("plan:slow").expectStatus().isEqualTo(503).expectHeader().exists("Retry-After");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(9_000);

        String paymentId = paymentIdOf("plan:slow");
        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(queryString("SELECT provider_payment_id FROM payments WHERE id = ?", UUID.fromString(paymentId))).isNull();

        wiremock.stubFor(get(urlEqualTo("/v1/payments/by-idempotency-key/" + paymentId))
                .willReturn(okJson(providerPayment("pay_slow", "completed", 900, "EUR", paymentId))));
        // the three timeouts may have opened the circuit; it half-opens after its wait, which a test does not sit out
        breakers.circuitBreaker("provider").reset();
        reconcile(TestTokens.platform(PlatformRole.OPERATOR)).expectStatus().isOk();

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(queryString("SELECT provider_payment_id FROM payments WHERE id = ?", UUID.fromString(paymentId))).isEqualTo("pay_slow");
        assertThat(paymentEvents(paymentId)).hasSize(1);
    }

    @Test
    void aProviderRefusalFailsThePaymentWith502AndPublishesPaymentFailed() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"invalid_request\", \"field\": \"currency\", \"message\": \"not supported\"}")));

        initiateCard("plan:refused").expectStatus().isEqualTo(502)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/provider-refused");

        String paymentId = paymentIdOf("plan:refused");
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments")));
        assertThat(paymentEvents(paymentId)).hasSize(1);
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresThenAnswers503WithoutCallingAndFailsThePaymentForSure() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(503)));

        initiateCard("plan:cb1").expectStatus().isEqualTo(503);
        initiateCard("plan:cb2").expectStatus().isEqualTo(503);
        assertThat(breakers.circuitBreaker("provider").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int callsSoFar = wiremock.findAll(postRequestedFor(urlEqualTo("/v1/payments"))).size();

        initiateCard("plan:cb3").expectStatus().isEqualTo(503).expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("nothing was charged"));

        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo("/v1/payments")))).hasSize(callsSoFar);
        assertThat(statusOf(paymentIdOf("plan:cb3"))).isEqualTo("failed");
        assertThat(queryString("SELECT failure_reason FROM payments WHERE reference = 'plan:cb3'")).isEqualTo("provider_unavailable");
    }

    @Test
    void reconciliationCompletesAPaymentWhoseWebhookWasLostExactlyOnce() {
        String paymentId = pendingPayment();
        wiremock.stubFor(get(urlEqualTo("/v1/payments/pay_" + paymentId))
                .willReturn(okJson(providerPayment("pay_" + paymentId, "completed", 900, "EUR", paymentId))));

        reconcile(TestTokens.platform(PlatformRole.OPERATOR)).expectStatus().isOk().expectBody().jsonPath("$.ran").isEqualTo(true);
        reconcile(TestTokens.platform(PlatformRole.OPERATOR)).expectStatus().isOk();
        // and the webhook, delivered late after all, changes nothing
        deliverSigned(webhookBody("evt-late-" + paymentId, paymentId, "completed", 900, "EUR"))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unchanged");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        wiremock.verify(getRequestedFor(urlEqualTo("/v1/payments/pay_" + paymentId)).withHeader("Authorization", equalTo("Bearer " + API_KEY)));
        assertThat(paymentEvents(paymentId)).singleElement()
                .satisfies(r -> assertThat(typeOf(r)).isEqualTo("PaymentCompleted"));
    }

    @Test
    void onlyOperatorsTriggerReconciliation() {
        reconcile(TestTokens.owner(TEAM)).expectStatus().isForbidden();
        reconcile(TestTokens.platform(PlatformRole.SUPPORT_AGENT)).expectStatus().isForbidden();
    }

    @Test
    void theSharedEventRetentionJobRunsHereToo() {
        client().post().uri("/api/payments/admin/jobs/event-retention").header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.job").isEqualTo("event-retention")
                .jsonPath("$.result.figures.outbox_rows_deleted").isEqualTo(0);
    }
}
