package io.servelink.payment.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.infra.RestartablePostgres;
import io.servelink.infra.test.OwnPostgres;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.PaymentItSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * payment-service's own PostgreSQL restarts while the provider delivers "completed" webhooks. Every delivery is
 * answered 200 or 503 problem with Retry-After (never a 500, never a hang); the provider redelivers what was not
 * acknowledged, as it does; afterwards every payment is completed, the scheduled outbox relay has published every
 * row by itself, and the payments topic carries exactly one PaymentCompleted per payment.
 */
@OwnPostgres
class PostgresRestartIT extends PaymentItSupport {

    private static final int PAYMENTS = 24;
    private static final Duration PACE = Duration.ofMillis(300);

    @Autowired
    RestartablePostgres postgres;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final ConcurrentLinkedQueue<Refusal> refused = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();

    /** An answer the provider got that was not a 200. */
    private record Refusal(int status, String contentType, String retryAfter, String body) {
    }

    @Test
    void completesEveryPaymentOnceAndPublishesEveryEventWhenItsPostgresRestartsWhileWebhooksArrive() throws Exception {
        quote(TEAM, "plan:pro", 900, "EUR", "Pro plan, 30 days");
        providerAccepts("push");
        List<String> payments = new ArrayList<>();
        for (int i = 0; i < PAYMENTS; i++) {
            payments.add((String) initiate(TEAM, TestTokens.owner(TEAM), "plan:pro", "mobile_money", "+237670000001").get("payment_id"));
        }

        ExecutorService provider = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> deliveries = new ArrayList<>();
            for (String paymentId : payments) {
                deliveries.add(provider.submit(() -> deliverUntilAcknowledged(paymentId)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.get() >= PAYMENTS / 4);

            postgres.stopServer();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> refused.size() >= 5);
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(uri("/api/payments/" + payments.getFirst() + "/status"))
                        .header("Authorization", "Bearer " + TestTokens.owner(TEAM)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(status.statusCode()).as(status.body()).isEqualTo(503);
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/actuator/health")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            } finally {
                postgres.startServer();
            }
            for (Future<?> delivery : deliveries) {
                delivery.get(90, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            provider.shutdownNow();
        }

        assertThat(unanswered).as("deliveries without an answer in time").isEmpty();
        assertThat(refused).isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.retryAfter()).isNotNull();
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(http.send(HttpRequest.newBuilder(uri("/actuator/health")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(200);
            assertThat(queryLong("SELECT count(*) FROM event_outbox WHERE published_at IS NULL")).isZero();
        });
        for (String paymentId : payments) {
            assertThat(statusOf(paymentId)).isEqualTo("completed");
            // the relay publishes at least once: a row sent while the database restarted may be sent again, always
            // with its event id (consumers deduplicate by it); one event per payment, whatever the copies
            List<ConsumerRecord<String, byte[]>> events = paymentEvents(paymentId);
            assertThat(events).as("events of %s", paymentId).isNotEmpty()
                    .allSatisfy(record -> assertThat(typeOf(record)).isEqualTo("PaymentCompleted"));
            assertThat(events.stream().map(record -> new String(record.headers().lastHeader("event-id").value(),
                    java.nio.charset.StandardCharsets.UTF_8)).distinct()).as("event ids of %s", paymentId).hasSize(1);
        }
    }

    /** The provider's delivery of one webhook: redelivered after every non-2xx answer or failed attempt. */
    private void deliverUntilAcknowledged(String paymentId) {
        String body = webhookBody("evt-restart-" + paymentId, paymentId, "completed", 900, "EUR");
        while (!Thread.currentThread().isInterrupted()) {
            long now = Instant.now().getEpochSecond();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(uri("/api/payments/callback"))
                    .header("Content-Type", "application/json")
                    .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                    .header(WebhookSignature.SIGNATURE_HEADER, SIGNER.sign(now, bytes))
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    acknowledged.incrementAndGet();
                    Thread.sleep(PACE); // the provider's next webhook on this connection comes a little later
                    return;
                }
                refused.add(new Refusal(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""),
                        answer.headers().firstValue("Retry-After").orElse(null), answer.body()));
            } catch (IOException e) {
                unanswered.add(paymentId + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(PACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
