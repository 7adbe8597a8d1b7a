package io.servelink.payment.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.PaymentItSupport;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The sequences a provider written from docs/PAYMENT_BACKEND_SPEC.md alone drove through the platform, each played by
 * WireMock exactly as it happened: slow creates, keys in flight, inferred closes the provider contradicts later,
 * cancels racing their webhook, reports this service does not understand, unusable create answers and expiry.
 */
class ProviderContractIT extends PaymentItSupport {

    @DynamicPropertySource
    static void reconcileAtOnce(DynamicPropertyRegistry registry) {
        registry.add("servelink.payment.reconciliation.min-age", () -> "0s");
    }

    private static final String OWNER = TestTokens.owner(TEAM);
    private static final String OPERATOR = TestTokens.platform(PlatformRole.OPERATOR);

    private WebTestClient.ResponseSpec reconcile() {
        return client().post().uri("/api/payments/admin/jobs/reconciliation").header("Authorization", "Bearer " + OPERATOR)
                .exchange().expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec cancel(String paymentId) {
        return client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + OWNER).exchange();
    }

    private String paymentIdOf(String reference) {
        return queryString("SELECT id FROM payments WHERE reference = ?", reference);
    }

    private String column(String column, String paymentId) {
        return queryString("SELECT " + column + " FROM payments WHERE id = ?", UUID.fromString(paymentId));
    }

    private List<String> eventTypes(String paymentId) {
        return paymentEvents(paymentId).stream().map(PaymentItSupport::typeOf).toList();
    }

    private static String report(String eventId, String type, String providerId, String paymentId, String status,
                                 String failureReason) {
        return """
                {"event_id": "%s", "type": "%s", "occurred_at": "2026-11-24T10:15:40Z",
                 "payment": {"id": "%s", "status": "%s", "amount_minor": 900, "currency": "EUR", "method": "mobile_money",
                             "failure_reason": %s, "metadata": {"payment_id": "%s", "team_slug": "acme"}}}"""
                .formatted(eventId, type, providerId, status, failureReason == null ? "null" : "\"" + failureReason + "\"", paymentId);
    }

    // ---- money taken, service refused ---------------------------------------------------------------------------

    @Test
    void aCreateSlowerThanTheClientWaitsThenInFlightIsNeverFailedAsNeverReachedAndItsCompletionIsApplied() {
        // attempt 1 outlives the client's 1.5 s; attempts 2 and 3 find the key in flight; the lookup by key answers 404
        // while the create is still running (what the provider did)
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(201).withFixedDelay(3_000)).willSetStateTo("in flight"));
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).inScenario("slow").whenScenarioStateIs("in flight")
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"key_in_flight\"}")));

        initiateCard("plan:in-flight").expectStatus().isEqualTo(503).expectHeader().exists("Retry-After");
        String paymentId = paymentIdOf("plan:in-flight");
        wiremock.verify(3, postRequestedFor(urlEqualTo("/v1/payments")).withHeader("Idempotency-Key", equalTo(paymentId)));
        assertThat(breakers.circuitBreaker("provider").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(column("reached_provider", paymentId)).isEqualTo("t");

        wiremock.stubFor(get(urlEqualTo("/v1/payments/by-idempotency-key/" + paymentId)).willReturn(aResponse().withStatus(404)));
        reconcile();
        assertThat(statusOf(paymentId)).isEqualTo("pending");

        deliverSigned(report("evt-late-" + paymentId, "payment.status_changed", "pay_late", paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(eventTypes(paymentId)).containsExactly("PaymentCompleted");
    }

    @Test
    void aPaymentFailedAsNeverReachedThatTheProviderLaterReportsCompletedIsCompletedAndTheCustomerGetsIt() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(500)));
        initiateCard("plan:revived").expectStatus().isEqualTo(503);
        String paymentId = paymentIdOf("plan:revived");
        wiremock.stubFor(get(urlEqualTo("/v1/payments/by-idempotency-key/" + paymentId)).willReturn(aResponse().withStatus(404)));
        reconcile();
        assertThat(column("failure_reason", paymentId)).isEqualTo("never_reached_provider");

        deliverSigned(report("evt-revive-" + paymentId, "payment.status_changed", "pay_revived", paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("completed_late");
        // the same report again, and another delivery of the completion, change nothing more
        deliverSigned(report("evt-revive-" + paymentId, "payment.status_changed", "pay_revived", paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("duplicate");
        deliverSigned(report("evt-revive2-" + paymentId, "payment.status_changed", "pay_revived", paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unchanged");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(column("failure_reason", paymentId)).isNull();
        assertThat(column("provider_payment_id", paymentId)).isEqualTo("pay_revived");
        assertThat(eventTypes(paymentId)).containsExactly("PaymentFailed", "PaymentCompleted");
        assertThat(queryLong("SELECT count(*) FROM invoices WHERE payment_id = ?", UUID.fromString(paymentId))).isEqualTo(1);
        status(paymentId, TestTokens.member(TEAM)).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("completed");
    }

    @Test
    void aCompletionContradictingTheCancellationTheProviderReportedIsKeptFlaggedAndRefundedOnceByAnOperator() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;
        deliverSigned(report("evt-c-" + paymentId, "payment.status_changed", providerId, paymentId, "cancelled", null))
                .expectStatus().isOk();

        deliverSigned(report("evt-x-" + paymentId, "payment.status_changed", providerId, paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("flagged_contradiction");

        assertThat(statusOf(paymentId)).isEqualTo("cancelled");
        assertThat(column("review_reason", paymentId)).isEqualTo("provider reported completed after cancelled");
        assertThat(queryString("SELECT outcome FROM payment_webhooks WHERE provider_event_id = ?", "evt-x-" + paymentId))
                .isEqualTo("flagged_contradiction");
        assertThat(eventTypes(paymentId)).containsExactly("PaymentCancelled");
        client().get().uri("/api/payments/admin/review").header("Authorization", "Bearer " + OPERATOR).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.payment.payment_id == '%s')].review_reason".formatted(paymentId))
                .isEqualTo("provider reported completed after cancelled");

        // the provider's own completion is what lets an operator refund it: here it never reported one
        wiremock.stubFor(post(urlEqualTo("/v1/payments/" + providerId + "/refund"))
                .withHeader("Idempotency-Key", equalTo("refund:" + paymentId))
                .withRequestBody(equalToJson("{\"amount_minor\": 900, \"currency\": \"EUR\"}", true, true))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
                        {"id": "re_1", "payment_id": "%s", "status": "succeeded", "amount_minor": 900, "currency": "EUR"}"""
                        .formatted(providerId))));
        refund(paymentId, TestTokens.owner(TEAM)).expectStatus().isForbidden();
        refund(paymentId, TestTokens.platform(PlatformRole.SUPPORT_AGENT)).expectStatus().isForbidden();
        refund(paymentId, OPERATOR).expectStatus().isEqualTo(409);
    }

    @Test
    void anOperatorRefundsOnceAPaymentTheProviderReportedCompletedAfterTheSameProviderReportedItFailed() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;
        deliverSigned(report("evt-f-" + paymentId, "payment.status_changed", providerId, paymentId, "failed", "payer_declined"))
                .expectStatus().isOk();
        deliverSigned(report("evt-f-c-" + paymentId, "payment.status_changed", providerId, paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("flagged_contradiction");
        // the provider confirms, when asked, that it holds the money
        deliverSigned(report("evt-f-c2-" + paymentId, "payment.status_changed", providerId, paymentId, "completed", null))
                .expectStatus().isOk();
        execute("UPDATE payments SET provider_status = 'completed' WHERE id = ?", UUID.fromString(paymentId));
        wiremock.stubFor(post(urlEqualTo("/v1/payments/" + providerId + "/refund"))
                .withHeader("Idempotency-Key", equalTo("refund:" + paymentId))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
                        {"id": "re_1", "payment_id": "%s", "status": "succeeded", "amount_minor": 900, "currency": "EUR"}"""
                        .formatted(providerId))));

        refund(paymentId, OPERATOR).expectStatus().isOk()
                .expectBody().jsonPath("$.refund_id").isEqualTo("re_1").jsonPath("$.refund_status").isEqualTo("succeeded");
        refund(paymentId, OPERATOR).expectStatus().isEqualTo(409);

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments/" + providerId + "/refund")));
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(queryLong("SELECT count(*) FROM audit_log WHERE action = 'payment.refund_requested' AND subject_id = ?", paymentId))
                .isEqualTo(1);
    }

    private WebTestClient.ResponseSpec refund(String paymentId, String token) {
        return client().post().uri("/api/payments/admin/review/{id}/refund", paymentId).header("Authorization", "Bearer " + token)
                .exchange();
    }

    // ---- cancel -------------------------------------------------------------------------------------------------

    @Test
    void aCancelTheProviderAcceptedIsAnsweredCancelledWhenTheCancelledWebhookWonTheRace() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;
        wiremock.stubFor(post(urlEqualTo("/v1/payments/" + providerId + "/cancel")).willReturn(
                okJson(providerPayment(providerId, "cancelled", 900, "EUR", paymentId)).withFixedDelay(800)));

        CompletableFuture<Void> webhookFirst = CompletableFuture.runAsync(() -> {
            sleep(200);
            deliverSigned(report("evt-race-" + paymentId, "payment.status_changed", providerId, paymentId, "cancelled", null))
                    .expectStatus().isOk();
        });
        cancel(paymentId).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
        webhookFirst.join();

        assertThat(statusOf(paymentId)).isEqualTo("cancelled");
        assertThat(eventTypes(paymentId)).containsExactly("PaymentCancelled");
        // asking again answers the same, without calling the provider
        cancel(paymentId).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments/" + providerId + "/cancel")));
    }

    @Test
    void aCancelAnswered404ByTheProviderCancelsHereAndALaterCompletionStillCompletes() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;
        wiremock.stubFor(post(urlEqualTo("/v1/payments/" + providerId + "/cancel")).willReturn(aResponse().withStatus(404)));

        cancel(paymentId).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
        deliverSigned(report("evt-404-" + paymentId, "payment.status_changed", providerId, paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("completed_late");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(eventTypes(paymentId)).containsExactly("PaymentCancelled", "PaymentCompleted");
    }

    // ---- reports this service does not understand ---------------------------------------------------------------

    @Test
    void signedReportsItDoesNotUnderstandAreStoredAcknowledgedAndMarkedForReview() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;

        deliverSigned(report("evt-u1-" + paymentId, "payment.status_changed", providerId, paymentId, "refunded", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unrecognized");
        deliverSigned(report("evt-u2-" + paymentId, "payment.disputed", providerId, paymentId, "completed", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unrecognized");
        deliverSigned("[\"not\", \"a\", \"webhook\", \"" + paymentId + "\"]")
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unrecognized");
        // redelivered: stored once, acknowledged again
        deliverSigned(report("evt-u1-" + paymentId, "payment.status_changed", providerId, paymentId, "refunded", null))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("duplicate");

        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(queryString("SELECT review_reason FROM payment_webhooks WHERE provider_event_id = ?", "evt-u1-" + paymentId))
                .isEqualTo("unknown payment status refunded");
        assertThat(queryString("SELECT review_reason FROM payment_webhooks WHERE provider_event_id = ?", "evt-u2-" + paymentId))
                .isEqualTo("unknown event type payment.disputed");
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE outcome = 'unrecognized' AND signature_ok "
                + "AND review_reason IS NOT NULL AND raw_body LIKE ?", "%" + paymentId + "%")).isEqualTo(3);
    }

    @Test
    void aFailureReasonTheContractDoesNotListFailsThePaymentAsOtherAndKeepsTheProvidersWords() {
        String paymentId = pendingPayment();

        deliverSigned(report("evt-r-" + paymentId, "payment.status_changed", "pay_" + paymentId, paymentId, "failed", "sim_blocked"))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("other");
        assertThat(queryString("SELECT review_reason FROM payment_webhooks WHERE provider_event_id = ?", "evt-r-" + paymentId))
                .isEqualTo("unlisted failure_reason sim_blocked (recorded as other)");
    }

    @Test
    void aWebhookAbove64KibIsAnswered413() {
        String padding = "x".repeat(70 * 1024);
        deliverSigned("{\"event_id\": \"evt-big\", \"padding\": \"" + padding + "\"}")
                .expectStatus().isEqualTo(413).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    // ---- the create's answer ------------------------------------------------------------------------------------

    @Test
    void aCreateAnsweredWithAnotherAmountIsCancelledAtTheProviderFailedAndMarked() {
        quote(TEAM, "plan:cheap", 900, "EUR", "Pro plan, 30 days");
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "pay_cheap", "status": "pending", "amount_minor": 90000, "currency": "EUR", "method": "mobile_money",
                         "next_action": {"type": "push", "url": null, "instruction": "Confirm 900.00 EUR"}}""")));
        wiremock.stubFor(post(urlEqualTo("/v1/payments/pay_cheap/cancel"))
                .willReturn(okJson("{\"id\": \"pay_cheap\", \"status\": \"cancelled\", \"amount_minor\": 90000, \"currency\": \"EUR\"}")));

        client().post().uri("/api/payments/{team}/initiate", TEAM).header("Authorization", "Bearer " + OWNER)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"purpose\": \"plan_upgrade\", \"reference\": \"plan:cheap\", \"payment_method\": \"mobile_money\", "
                        + "\"phone\": \"+237670000001\"}")
                .exchange().expectStatus().isEqualTo(502)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/provider-answer-invalid");

        String paymentId = paymentIdOf("plan:cheap");
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments/pay_cheap/cancel")));
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("provider_answer_invalid");
        assertThat(column("review_reason", paymentId)).isEqualTo("create answer unusable: amount_minor 90000 instead of 900");
    }

    @Test
    void aCreateAnsweredWithAnUnknownNextActionIsRefused() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": "pay_qr", "status": "pending", "amount_minor": 900, "currency": "EUR", "method": "credit_card",
                         "next_action": {"type": "qr_code", "url": null, "instruction": null}}""")));
        wiremock.stubFor(post(urlEqualTo("/v1/payments/pay_qr/cancel")).willReturn(aResponse().withStatus(404)));

        initiateCard("plan:qr").expectStatus().isEqualTo(502);

        assertThat(column("review_reason", paymentIdOf("plan:qr"))).isEqualTo("create answer unusable: unknown next_action type qr_code");
    }

    @Test
    void aCreateAnsweredCompletedIsConfirmedByReadingThePaymentBeforeItCompletes() {
        quote(TEAM, "plan:done", 900, "EUR", "Pro plan, 30 days");
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withTransformers("response-template").withBody("""
                        {"id": "pay_done", "status": "completed", "amount_minor": 900, "currency": "EUR", "method": "credit_card",
                         "next_action": null, "metadata": {"payment_id": "{{jsonPath request.body '$.metadata.payment_id'}}"}}""")));
        wiremock.stubFor(get(urlEqualTo("/v1/payments/pay_done")).willReturn(okJson("""
                {"id": "pay_done", "status": "pending", "amount_minor": 900, "currency": "EUR", "method": "credit_card",
                 "next_action": {"type": "redirect", "url": "https://provider.test/checkout/pay_done", "instruction": null}}""")));

        initiateCard("plan:done").expectStatus().isCreated().expectBody().jsonPath("$.status").isEqualTo("pending");

        assertThat(statusOf(paymentIdOf("plan:done"))).isEqualTo("pending");
        assertThat(eventTypes(paymentIdOf("plan:done"))).isEmpty();
    }

    // ---- expiry -------------------------------------------------------------------------------------------------

    @Test
    void aPaymentThePayerNeverAnsweredIsCancelledAtTheProviderAndExpiresAfterItsTime() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;
        wiremock.stubFor(get(urlEqualTo("/v1/payments/" + providerId))
                .willReturn(okJson(providerPayment(providerId, "pending", 900, "EUR", paymentId))));
        wiremock.stubFor(post(urlEqualTo("/v1/payments/" + providerId + "/cancel"))
                .willReturn(okJson(providerPayment(providerId, "cancelled", 900, "EUR", paymentId))));

        reconcile();
        assertThat(statusOf(paymentId)).isEqualTo("pending");
        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/payments/" + providerId + "/cancel")));

        execute("UPDATE payments SET created_at = now() - interval '2 hours' WHERE id = ?", UUID.fromString(paymentId));
        reconcile();

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments/" + providerId + "/cancel")));
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("expired");
        assertThat(column("provider_status", paymentId)).isEqualTo("cancelled");
        assertThat(eventTypes(paymentId)).containsExactly("PaymentFailed");
    }

    @Test
    void aPaymentTheProviderNoLongerKnowsWaitsForItsExpiryThenFailsAndIsNoLongerPolled() {
        String paymentId = pendingPayment();
        String providerId = "pay_" + paymentId;
        wiremock.stubFor(get(urlEqualTo("/v1/payments/" + providerId)).willReturn(aResponse().withStatus(404)));

        reconcile().expectBody().jsonPath("$.result.figures.errors").isEqualTo(0);
        assertThat(statusOf(paymentId)).isEqualTo("pending");

        execute("UPDATE payments SET created_at = now() - interval '2 hours' WHERE id = ?", UUID.fromString(paymentId));
        reconcile();
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("expired");

        int reads = wiremock.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlEqualTo("/v1/payments/" + providerId))).size();
        reconcile();
        assertThat(wiremock.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlEqualTo("/v1/payments/" + providerId)))).hasSize(reads);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
