package io.servelink.payment.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.payment.PaymentItSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

class WebhookIT extends PaymentItSupport {

    @Test
    void completesThePaymentOnceWhenTheWebhookIsRedelivered() {
        String paymentId = pendingPayment();
        String body = webhookBody("evt-once-" + paymentId, paymentId, "completed", 900, "EUR");

        deliverSigned(body).expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");
        deliverSigned(body).expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("duplicate");
        deliverSigned(body).expectStatus().isOk();

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(paymentEvents(paymentId)).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(TEAM);
            PaymentCompleted event = new EventCodec().decode(record.value(), PaymentCompleted.class).payload();
            assertThat(event.paymentId()).isEqualTo(paymentId);
            assertThat(event.teamSlug()).isEqualTo(TEAM);
            assertThat(event.amountMinor()).isEqualTo(900);
            assertThat(event.currency()).isEqualTo("EUR");
            assertThat(event.purpose()).isEqualTo(PaymentPurpose.PLAN_UPGRADE);
            assertThat(event.reference()).isEqualTo("plan:pro");
            assertThat(event.method()).isEqualTo("mobile_money");
        });
        assertThat(queryLong("SELECT count(*) FROM invoices WHERE payment_id = ?", UUID.fromString(paymentId))).isEqualTo(1);
    }

    @Test
    void carriesTheTraceOfTheWebhookRequestIntoThePaymentEventsKafkaHeader() {
        String paymentId = pendingPayment();
        String body = webhookBody("evt-trace-" + paymentId, paymentId, "completed", 900, "EUR");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        long now = Instant.now().getEpochSecond();

        client().post().uri("/api/payments/callback").contentType(MediaType.APPLICATION_JSON)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                .header(WebhookSignature.SIGNATURE_HEADER, SIGNER.sign(now, body.getBytes(StandardCharsets.UTF_8)))
                .bodyValue(body).exchange().expectStatus().isOk();

        assertThat(paymentEvents(paymentId)).singleElement().satisfies(record -> {
            var header = record.headers().lastHeader("traceparent");
            assertThat(header).as("traceparent header").isNotNull();
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).startsWith("00-" + traceId + "-");
        });
    }

    @Test
    void concurrentDeliveriesOfTheSameEventCompleteOnceAndPublishOneEvent() {
        String paymentId = pendingPayment();
        byte[] body = webhookBody("evt-burst-" + paymentId, paymentId, "completed", 900, "EUR").getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        WebClient web = WebClient.create("http://localhost:" + port);

        List<Integer> statuses = Flux.range(0, 6)
                .flatMap(i -> web.post().uri("/api/payments/callback").contentType(MediaType.APPLICATION_JSON)
                        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                        .header(WebhookSignature.SIGNATURE_HEADER, SIGNER.sign(now, body))
                        .bodyValue(body).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 6)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(statuses).hasSize(6).containsOnly(200);
        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(queryLong("SELECT count(*) FROM invoices WHERE payment_id = ?", UUID.fromString(paymentId))).isEqualTo(1);
        assertThat(paymentEvents(paymentId)).hasSize(1);
    }

    @Test
    void aNewEventIdForTheSameCompletionPublishesNothingMore() {
        String paymentId = pendingPayment();
        deliverSigned(webhookBody("evt-a-" + paymentId, paymentId, "completed", 900, "EUR")).expectStatus().isOk();
        deliverSigned(webhookBody("evt-b-" + paymentId, paymentId, "completed", 900, "EUR"))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unchanged");

        assertThat(paymentEvents(paymentId)).hasSize(1);
    }

    @Test
    void aProcessingWebhookArrivingAfterTheCompletionChangesNothing() {
        String paymentId = pendingPayment();
        deliverSigned(webhookBody("evt-c-" + paymentId, paymentId, "completed", 900, "EUR")).expectStatus().isOk();

        deliverSigned(webhookBody("evt-p-" + paymentId, paymentId, "processing", 900, "EUR"))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("ignored_out_of_order");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(queryString("SELECT outcome FROM payment_webhooks WHERE provider_event_id = ?", "evt-p-" + paymentId))
                .isEqualTo("ignored_out_of_order");
    }

    @Test
    void processingThenFailedMovesForwardAndPublishesPaymentFailed() {
        String paymentId = pendingPayment();
        deliverSigned(webhookBody("evt-p1-" + paymentId, paymentId, "processing", 900, "EUR")).expectStatus().isOk();
        assertThat(statusOf(paymentId)).isEqualTo("processing");

        deliverSigned(webhookBody("evt-f1-" + paymentId, paymentId, "failed", 900, "EUR")).expectStatus().isOk();

        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(paymentEvents(paymentId)).singleElement()
                .satisfies(r -> assertThat(typeOf(r)).isEqualTo("PaymentFailed"));
    }

    @Test
    void refusesABadSignatureWith401AndChangesNothing() {
        String paymentId = pendingPayment();
        String body = webhookBody("evt-forged-" + paymentId, paymentId, "completed", 900, "EUR");
        long now = Instant.now().getEpochSecond();
        String forged = new WebhookSignature("guessed-secret", java.time.Duration.ofMinutes(5)).sign(now, body.getBytes(StandardCharsets.UTF_8));

        deliver(body, now, forged).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/invalid-signature");
        deliver(body, 0, null).expectStatus().isUnauthorized();

        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE signature_ok = false AND raw_body LIKE ?",
                "%" + paymentId + "%")).isEqualTo(2);
        assertThat(queryLong("SELECT count(*) FROM audit_log WHERE action = 'webhook.rejected'")).isGreaterThanOrEqualTo(2);
        // the real delivery of the same event id is still processed afterwards
        deliverSigned(body).expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");
    }

    @Test
    void refusesAStaleTimestampWith401EvenWhenCorrectlySigned() {
        String paymentId = pendingPayment();
        String body = webhookBody("evt-stale-" + paymentId, paymentId, "completed", 900, "EUR");
        long sixMinutesAgo = Instant.now().minusSeconds(360).getEpochSecond();

        deliver(body, sixMinutesAgo, SIGNER.sign(sixMinutesAgo, body.getBytes(StandardCharsets.UTF_8)))
                .expectStatus().isUnauthorized();

        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(paymentEvents(paymentId)).isEmpty();
    }

    @Test
    void flagsAPaymentWhoseWebhookReportsAnotherAmountAndNeverCompletesIt() {
        String paymentId = pendingPayment();

        deliverSigned(webhookBody("evt-cheap-" + paymentId, paymentId, "completed", 1, "EUR"))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("flagged_mismatch");
        deliverSigned(webhookBody("evt-xaf-" + paymentId, paymentId, "completed", 900, "XAF")).expectStatus().isOk();

        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(queryString("SELECT flagged_mismatch FROM payments WHERE id = ?", UUID.fromString(paymentId))).isEqualTo("t");
        assertThat(queryString("SELECT raw_body FROM payment_webhooks WHERE provider_event_id = ?", "evt-cheap-" + paymentId))
                .contains("\"amount_minor\": 1,");
        assertThat(paymentEvents(paymentId)).isEmpty();
        status(paymentId, io.servelink.infra.test.TestTokens.member(TEAM)).expectStatus().isOk()
                .expectBody().jsonPath("$.flagged_mismatch").isEqualTo(true);
    }

    @Test
    void acknowledgesAWebhookForAnUnknownPaymentAndRecordsIt() {
        String unknown = UUID.randomUUID().toString();

        deliverSigned(webhookBody("evt-unknown-" + unknown, unknown, "completed", 900, "EUR"))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unknown_payment");

        assertThat(queryLong("SELECT count(*) FROM payments WHERE id = ?", UUID.fromString(unknown))).isZero();
        assertThat(queryString("SELECT outcome FROM payment_webhooks WHERE provider_event_id = ?", "evt-unknown-" + unknown))
                .isEqualTo("unknown_payment");
    }

    @Test
    void acknowledgesASignedWebhookOfAnUnknownStatusAndKeepsItForReview() {
        deliverSigned("{\"event_id\": \"evt-x\", \"type\": \"payment.status_changed\", \"payment\": {\"status\": \"paid\"}}")
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unrecognized");

        assertThat(queryString("SELECT review_reason FROM payment_webhooks WHERE provider_event_id = 'evt-x'"))
                .isEqualTo("unknown payment status paid");
    }
}
