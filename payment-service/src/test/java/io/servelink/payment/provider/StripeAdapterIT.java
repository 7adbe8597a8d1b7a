package io.servelink.payment.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.PaymentItSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Stripe PaymentIntents for cards against WireMock. The stub bodies follow Stripe's documented examples:
 * <ul>
 *   <li>the PaymentIntent object and its create, retrieve and cancel (https://docs.stripe.com/api/payment_intents/object,
 *       .../create, .../retrieve, .../cancel), form-encoded requests and {@code Idempotency-Key}
 *       (https://docs.stripe.com/api/idempotent_requests);</li>
 *   <li>{@code next_action.redirect_to_url} (https://docs.stripe.com/api/payment_intents/object#payment_intent_object-next_action);</li>
 *   <li>search by metadata (https://docs.stripe.com/api/payment_intents/search, https://docs.stripe.com/search#search-query-language);</li>
 *   <li>errors and {@code payment_intent_unexpected_state} (https://docs.stripe.com/api/errors,
 *       https://docs.stripe.com/error-codes#payment-intent-unexpected-state);</li>
 *   <li>refunds (https://docs.stripe.com/api/refunds/create);</li>
 *   <li>events and {@code Stripe-Signature: t=…,v1=…} over {@code t.rawBody}
 *       (https://docs.stripe.com/api/events/object, https://docs.stripe.com/webhooks#verify-manually).</li>
 * </ul>
 */
class StripeAdapterIT extends PaymentItSupport {

    private static final String STRIPE_SECRET = "whsec_test_secret";
    private static final TimestampedSignature STRIPE_SIGNER = new TimestampedSignature("v1", STRIPE_SECRET, Duration.ofMinutes(5));
    private static final AtomicLong IDS = new AtomicLong(1);

    /** This test's PaymentIntent id (a provider id belongs to one payment only). */
    private final String pi = "pi_3MtwBwLkdIwHu7ix28a3tq" + IDS.getAndIncrement();

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        registry.add("servelink.payment.providers.stripe.enabled", () -> "true");
        registry.add("servelink.payment.providers.stripe.base-url", wiremock::baseUrl);
        registry.add("servelink.payment.providers.stripe.secret-key", () -> "sk_test_stripe");
        registry.add("servelink.payment.providers.stripe.webhook-secret", () -> STRIPE_SECRET);
        registry.add("servelink.payment.providers.routes[0].method", () -> "credit_card");
        registry.add("servelink.payment.providers.routes[0].provider", () -> "stripe");
        registry.add("resilience4j.timelimiter.instances.stripe.timeout-duration", () -> "1500ms");
        registry.add("resilience4j.retry.instances.stripe-create.wait-duration", () -> "50ms");
        registry.add("resilience4j.retry.instances.stripe-read.wait-duration", () -> "50ms");
        registry.add("servelink.payment.reconciliation.min-age", () -> "0s");
    }

    // ---- Stripe's answers, from its documented examples -------------------------------------------------------------

    /** The documented PaymentIntent object, in this test's id, status, amount and metadata. */
    private String intent(String status, long amount, String paymentId, String nextAction, String lastPaymentError) {
        return """
                {"id": "%s", "object": "payment_intent", "amount": %d, "amount_capturable": 0, "amount_received": 0,
                 "capture_method": "automatic", "client_secret": "%s_secret_YrKJUKribcBjcG8HVhfZluoGH",
                 "confirmation_method": "automatic", "created": 1680800504, "currency": "eur", "customer": null,
                 "description": "Pro plan, 30 days", "last_payment_error": %s, "latest_charge": null, "livemode": false,
                 "metadata": %s, "next_action": %s, "payment_method": null, "payment_method_types": ["card"],
                 "status": "%s"}"""
                .formatted(pi, amount, pi, lastPaymentError, paymentId == null ? "{}"
                        : "{\"payment_id\": \"" + paymentId + "\", \"team_slug\": \"acme\"}", nextAction, status);
    }

    private String intent(String status, String paymentId) {
        return intent(status, 900, paymentId, "null", "null");
    }

    private void stripeCreates(String status, String nextAction) {
        wiremock.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(okJson(intent(status, 900, null, nextAction, "null"))));
    }

    private String pendingStripePayment() {
        stripeCreates("requires_payment_method", "null");
        initiateCard("plan:pro").expectStatus().isCreated();
        return queryString("SELECT id FROM payments WHERE provider_payment_id = ?", pi);
    }

    private String event(String type, String object) {
        return """
                {"id": "evt_%s_%s", "object": "event", "api_version": "2024-06-20", "created": 1680800600,
                 "data": {"object": %s}, "livemode": false, "pending_webhooks": 1,
                 "request": {"id": null, "idempotency_key": null}, "type": "%s"}"""
                .formatted(pi, type.replace('.', '_'), object, type);
    }

    private WebTestClient.ResponseSpec deliverStripe(String body, String signatureHeader) {
        WebTestClient.RequestBodySpec request = client().post().uri("/api/webhooks/stripe").contentType(MediaType.APPLICATION_JSON);
        if (signatureHeader != null) {
            request = request.header("Stripe-Signature", signatureHeader);
        }
        return request.bodyValue(body.getBytes(StandardCharsets.UTF_8)).exchange();
    }

    private WebTestClient.ResponseSpec deliverStripeSigned(String body) {
        return deliverStripe(body, STRIPE_SIGNER.sign(Instant.now().getEpochSecond(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private String column(String column, String paymentId) {
        return queryString("SELECT " + column + " FROM payments WHERE id = ?", UUID.fromString(paymentId));
    }

    // ---- create -----------------------------------------------------------------------------------------------------

    @Test
    void createsAFormEncodedPaymentIntentUnderTheIdempotencyKeyAndHandsTheClientSecretToTheDashboard() {
        // source: https://docs.stripe.com/api/payment_intents/create, https://docs.stripe.com/api/idempotent_requests
        String paymentId = pendingStripePayment();

        assertThat(column("provider", paymentId)).isEqualTo("stripe");
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents"))
                .withHeader("Authorization", equalTo("Bearer sk_test_stripe"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withHeader("Idempotency-Key", equalTo(paymentId))
                .withFormParam("amount", equalTo("900"))
                .withFormParam("currency", equalTo("eur"))
                .withFormParam("payment_method_types[]", equalTo("card"))
                .withFormParam("metadata[payment_id]", equalTo(paymentId)));
        status(paymentId, TestTokens.owner(TEAM)).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("pending")
                .jsonPath("$.next_action.type").isEqualTo("stripe_sdk")
                .jsonPath("$.next_action.client_secret").isEqualTo(pi + "_secret_YrKJUKribcBjcG8HVhfZluoGH");
    }

    @Test
    void aThreeDSecureRedirectIsHandedToTheDashboardAsARedirect() {
        // source: https://docs.stripe.com/api/payment_intents/object#payment_intent_object-next_action-redirect_to_url
        stripeCreates("requires_action", """
                {"type": "redirect_to_url", "redirect_to_url": {"return_url": "http://localhost:8080/billing/payments/x",
                 "url": "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=pi_1"}}""");

        initiateCard("plan:pro").expectStatus().isCreated().expectBody()
                .jsonPath("$.next_action.type").isEqualTo("redirect")
                .jsonPath("$.next_action.url").isEqualTo("https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=pi_1");
    }

    @Test
    void refusesACardPaymentInACurrencyTheStripeAccountIsNotConfiguredForAndCallsNothing() {
        // source: https://docs.stripe.com/currencies
        quote(TEAM, "plan:xof", 5000, "XOF", "Pro plan, 30 days");
        stripeCreates("requires_payment_method", "null");

        client().post().uri("/api/payments/{team}/initiate", TEAM)
                .header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"purpose": "plan_upgrade", "reference": "plan:xof", "payment_method": "credit_card"}""")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("currency");

        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/payment_intents")));
    }

    @Test
    void aStripe5xxIsRetriedUnderTheSameKeyAfterSearchingByMetadataThen503AndThePaymentStaysPending() {
        // source: https://docs.stripe.com/api/errors (api_error), https://docs.stripe.com/api/payment_intents/search
        wiremock.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"type\": \"api_error\", \"message\": \"An unknown error occurred\"}}")));
        wiremock.stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).willReturn(okJson("""
                {"object": "search_result", "url": "/v1/payment_intents/search", "has_more": false, "data": []}""")));

        initiateCard("plan:s500").expectStatus().isEqualTo(503).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        String paymentId = queryString("SELECT id FROM payments WHERE reference = 'plan:s500'");
        List<LoggedRequest> creates = wiremock.findAll(postRequestedFor(urlEqualTo("/v1/payment_intents")));
        assertThat(creates).hasSize(3).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo(paymentId));
        wiremock.verify(2, getRequestedFor(urlPathEqualTo("/v1/payment_intents/search"))
                .withQueryParam("query", equalTo("metadata['payment_id']:'" + paymentId + "'")));
        assertThat(statusOf(paymentId)).isEqualTo("pending");
    }

    @Test
    void aCreateThatTimedOutIsFoundByItsMetadataOnTheRetryAndNeverCreatedTwice() {
        // source: https://docs.stripe.com/api/payment_intents/search, https://docs.stripe.com/search#search-query-language
        wiremock.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(okJson(intent("requires_payment_method", null))
                .withFixedDelay(2_500)));
        wiremock.stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"object\": \"search_result\", \"has_more\": false, \"data\": ["
                        + intent("requires_payment_method", "{{regexExtract request.query.query '[0-9a-f-]{36}'}}") + "]}")));

        initiateCard("plan:slow").expectStatus().isCreated();

        String paymentId = queryString("SELECT id FROM payments WHERE reference = 'plan:slow'");
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents")));
        assertThat(column("provider_payment_id", paymentId)).isEqualTo(pi);
    }

    // ---- webhooks ---------------------------------------------------------------------------------------------------

    @Test
    void aSucceededEventCompletesThePaymentOnceAndItsRedeliveryIsADuplicate() {
        // source: https://docs.stripe.com/api/events/object, https://docs.stripe.com/api/events/types#event_types-payment_intent.succeeded
        String paymentId = pendingStripePayment();
        String succeeded = event("payment_intent.succeeded", intent("succeeded", paymentId));

        deliverStripeSigned(succeeded).expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("applied").jsonPath("$.payment_id").isEqualTo(paymentId);
        deliverStripeSigned(succeeded).expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("duplicate");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(paymentEvents(paymentId)).singleElement().satisfies(r -> assertThat(typeOf(r)).isEqualTo("PaymentCompleted"));
    }

    @Test
    void aPaymentFailedEventFailsThePaymentWithTheDeclineAsReason() {
        // source: https://docs.stripe.com/api/events/object, https://docs.stripe.com/api/events/types#event_types-payment_intent.payment_failed, https://docs.stripe.com/declines/codes
        String paymentId = pendingStripePayment();
        String declined = intent("requires_payment_method", 900, paymentId, "null", """
                {"code": "card_declined", "decline_code": "insufficient_funds", "type": "card_error",
                 "message": "Your card has insufficient funds."}""");

        deliverStripeSigned(event("payment_intent.payment_failed", declined))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("insufficient_funds");
    }

    @Test
    void aLateProcessingEventAfterTheSuccessIsIgnoredAsOutOfOrder() {
        // source: https://docs.stripe.com/api/events/object, https://docs.stripe.com/api/events/types, https://docs.stripe.com/webhooks#event-ordering
        String paymentId = pendingStripePayment();
        deliverStripeSigned(event("payment_intent.succeeded", intent("succeeded", paymentId))).expectStatus().isOk();

        deliverStripeSigned(event("payment_intent.processing", intent("processing", paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("ignored_out_of_order");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
    }

    @Test
    void aCanceledEventCancelsThePayment() {
        // source: https://docs.stripe.com/api/events/object, https://docs.stripe.com/api/events/types#event_types-payment_intent.canceled
        String paymentId = pendingStripePayment();

        deliverStripeSigned(event("payment_intent.canceled", intent("canceled", paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("cancelled");
    }

    @Test
    void aWebhookWithABadOrStaleSignatureIsRefusedWith401AndChangesNothing() {
        // source: https://docs.stripe.com/webhooks#verify-manually
        String paymentId = pendingStripePayment();
        byte[] succeeded = event("payment_intent.succeeded", intent("succeeded", paymentId)).getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        deliverStripe(new String(succeeded, StandardCharsets.UTF_8),
                new TimestampedSignature("v1", "whsec_other", Duration.ofMinutes(5)).sign(now, succeeded))
                .expectStatus().isUnauthorized().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        deliverStripe(new String(succeeded, StandardCharsets.UTF_8), STRIPE_SIGNER.sign(now - 360, succeeded))
                .expectStatus().isUnauthorized();
        // a body changed after signing
        deliverStripe(new String(succeeded, StandardCharsets.UTF_8).replace("900", "9"), STRIPE_SIGNER.sign(now, succeeded))
                .expectStatus().isUnauthorized();

        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE provider = 'stripe' AND NOT signature_ok "
                + "AND raw_body LIKE ?", "%" + paymentId + "%")).isEqualTo(3);
    }

    @Test
    void aSignedEventOfAnUnhandledTypeIsStoredForReviewAndAcknowledged() {
        // source: https://docs.stripe.com/api/events/object, https://docs.stripe.com/api/events/types#event_types-customer.created
        deliverStripeSigned("""
                {"id": "evt_customer_1", "object": "event", "type": "customer.created",
                 "data": {"object": {"id": "cus_1", "object": "customer"}}}""")
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unrecognized");

        assertThat(queryString("SELECT review_reason FROM payment_webhooks WHERE provider = 'stripe' AND provider_event_id = ?",
                "evt_customer_1")).contains("customer.created");
    }

    // ---- reconciliation, cancel, refund -----------------------------------------------------------------------------

    @Test
    void reconciliationRetrievesTheIntentWhoseWebhookNeverCameAndCompletesThePayment() {
        // source: https://docs.stripe.com/api/payment_intents/retrieve
        String paymentId = pendingStripePayment();
        wiremock.stubFor(get(urlEqualTo("/v1/payment_intents/" + pi)).willReturn(okJson(intent("succeeded", paymentId))));

        client().post().uri("/api/payments/admin/jobs/reconciliation")
                .header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.result.figures.changed").isEqualTo(1);

        assertThat(statusOf(paymentId)).isEqualTo("completed");
    }

    @Test
    void aPaymentTheCardholderNeverConfirmedExpiresAndItsIntentIsCancelledAtStripe() {
        // source: https://docs.stripe.com/api/payment_intents/retrieve, https://docs.stripe.com/api/payment_intents/cancel
        // (an intent waits for a payment method indefinitely: expiry is the platform's, reconciliation.expire-after)
        String paymentId = pendingStripePayment();
        execute("UPDATE payments SET created_at = now() - interval '2 hours', updated_at = now() - interval '2 hours' "
                + "WHERE id = ?", UUID.fromString(paymentId));
        wiremock.stubFor(get(urlEqualTo("/v1/payment_intents/" + pi)).willReturn(okJson(intent("requires_payment_method", paymentId))));
        wiremock.stubFor(post(urlEqualTo("/v1/payment_intents/" + pi + "/cancel")).willReturn(okJson(intent("canceled", paymentId))));

        client().post().uri("/api/payments/admin/jobs/reconciliation")
                .header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR)).exchange()
                .expectStatus().isOk();

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents/" + pi + "/cancel")));
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("expired");
    }

    @Test
    void cancellingCancelsThePaymentIntent() {
        // source: https://docs.stripe.com/api/payment_intents/cancel
        String paymentId = pendingStripePayment();
        wiremock.stubFor(post(urlEqualTo("/v1/payment_intents/" + pi + "/cancel")).willReturn(okJson(intent("canceled", paymentId))));

        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents/" + pi + "/cancel")));
        // Stripe's own word, not an inference: a later success would be flagged, not completed
        assertThat(column("provider_status", paymentId)).isEqualTo("cancelled");
    }

    @Test
    void cancellingAnIntentThatAlreadySucceededAppliesTheSuccessAndAnswers409() {
        // source: https://docs.stripe.com/error-codes#payment-intent-unexpected-state, https://docs.stripe.com/api/errors (error.payment_intent)
        String paymentId = pendingStripePayment();
        wiremock.stubFor(post(urlEqualTo("/v1/payment_intents/" + pi + "/cancel")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"error": {"code": "payment_intent_unexpected_state",
                         "doc_url": "https://docs.stripe.com/error-codes/payment-intent-unexpected-state",
                         "message": "You cannot cancel this PaymentIntent because it has a status of succeeded.",
                         "payment_intent": %s, "type": "invalid_request_error"}}""".formatted(intent("succeeded", paymentId)))));

        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.status").isEqualTo("completed");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
    }

    @Test
    void anOperatorRefundIsOneStripeRefundUnderTheKeyOfThePayment() {
        // source: https://docs.stripe.com/api/refunds/create, https://docs.stripe.com/api/refunds/object
        String paymentId = pendingStripePayment();
        execute("UPDATE payments SET status = 'cancelled', provider_status = 'completed', review_reason = 'test: paid after cancel' "
                + "WHERE id = ?", UUID.fromString(paymentId));
        wiremock.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(okJson("""
                {"id": "re_1Nispe2eZvKYlo2Cd31jOCgZ", "object": "refund", "amount": 900, "charge": "ch_1", "created": 1692942318,
                 "currency": "eur", "metadata": {}, "payment_intent": "%s", "reason": null, "status": "succeeded"}""".formatted(pi))));

        client().post().uri("/api/payments/admin/review/{id}/refund", paymentId)
                .header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.refund_id").isEqualTo("re_1Nispe2eZvKYlo2Cd31jOCgZ")
                .jsonPath("$.refund_status").isEqualTo("succeeded");

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/refunds"))
                .withHeader("Idempotency-Key", equalTo("refund:" + paymentId))
                .withFormParam("payment_intent", equalTo(pi))
                .withFormParam("amount", equalTo("900")));
    }

    @Test
    void aRefundEventUpdatesTheRefundOfThePayment() {
        // source: https://docs.stripe.com/api/events/object, https://docs.stripe.com/api/events/types#event_types-refund.updated, https://docs.stripe.com/api/refunds/object
        String paymentId = pendingStripePayment();
        execute("UPDATE payments SET status = 'cancelled', provider_status = 'completed', review_reason = 'test: paid after cancel', "
                + "refund_id = 're_2', refund_status = 'pending' WHERE id = ?", UUID.fromString(paymentId));

        deliverStripeSigned(event("refund.updated", """
                {"id": "re_2", "object": "refund", "amount": 900, "currency": "eur", "payment_intent": "%s",
                 "reason": null, "status": "failed", "failure_reason": "expired_or_canceled_card"}""".formatted(pi)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(column("refund_status", paymentId)).isEqualTo("failed");
    }
}
