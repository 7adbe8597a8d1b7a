package io.servelink.payment.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.starter.jobs.JobResult;
import io.servelink.starter.jobs.JobRunner;
import io.servelink.payment.PaymentItSupport;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The retention job deletes rejected webhook deliveries and their {@code webhook.rejected} audit rows once they are
 * older than {@code keep-rejected-for}, and nothing else. A batch size of 2 makes every run loop over batches.
 */
@TestPropertySource(properties = {
        "servelink.payment.webhook-retention.keep-rejected-for=30d",
        "servelink.payment.webhook-retention.batch-size=2"})
class WebhookRetentionIT extends PaymentItSupport {

    @Autowired
    WebhookRetention retention;
    @Autowired
    JobRunner jobs;

    @BeforeEach
    void emptyTables() {
        execute("DELETE FROM payment_webhooks");
        execute("DELETE FROM audit_log");
        execute("DELETE FROM shedlock");
    }

    @Test
    void deletesOldRejectedDeliveriesAndTheirAuditRowsAndKeepsAcceptedAndRecentOnes() {
        Instant fortyDaysAgo = Instant.now().minus(Duration.ofDays(40));
        for (int i = 0; i < 5; i++) {
            storedDelivery("old-rejected-" + i, false, "rejected_invalid", fortyDaysAgo);
            storedAudit("webhook.rejected", fortyDaysAgo);
        }
        storedDelivery("old-accepted", true, "applied", fortyDaysAgo);
        storedDelivery("old-malformed", true, "malformed", fortyDaysAgo);
        storedAudit("payment.initiated", fortyDaysAgo);
        storedAudit("job.triggered", fortyDaysAgo);
        storedDelivery("recent-rejected-stored", false, "rejected_invalid", Instant.now().minus(Duration.ofDays(29)));
        storedAudit("webhook.rejected", Instant.now().minus(Duration.ofDays(29)));
        // and one rejected just now, through the endpoint
        String body = webhookBody("evt-" + UUID.randomUUID(), UUID.randomUUID().toString(), "completed", 900, "EUR");
        long now = Instant.now().getEpochSecond();
        deliver(body, now, new WebhookSignature("guessed-secret", Duration.ofMinutes(5))
                .sign(now, body.getBytes(StandardCharsets.UTF_8))).expectStatus().isUnauthorized();

        JobResult pruned = retention.run().block(Duration.ofSeconds(30));

        assertThat(pruned).isEqualTo(deleted(5, 5));
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE raw_body LIKE 'old-rejected-%'")).isZero();
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE raw_body IN ('old-accepted', 'old-malformed')")).isEqualTo(2);
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE NOT signature_ok")).as("the two recent rejections").isEqualTo(2);
        assertThat(queryLong("SELECT count(*) FROM audit_log WHERE action = 'webhook.rejected'")).as("the two recent rejections").isEqualTo(2);
        assertThat(queryLong("SELECT count(*) FROM audit_log WHERE action IN ('payment.initiated', 'job.triggered')")).isEqualTo(2);

        assertThat(retention.run().block(Duration.ofSeconds(30)))
                .as("a second run finds nothing more").isEqualTo(deleted(0, 0));
    }

    @Test
    void skipsTheRunWhileAnotherReplicaHoldsTheJobLock() {
        storedDelivery("old-rejected-locked", false, "rejected_invalid", Instant.now().minus(Duration.ofDays(40)));
        execute("INSERT INTO shedlock (name, lock_until, locked_at, locked_by) VALUES (?, timezone('utc', now()) + interval '5 minutes', "
                + "timezone('utc', now()), 'other-replica')", retention.name());

        assertThat(jobs.runLocked(retention, Duration.ZERO).ran()).isFalse();
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE raw_body = 'old-rejected-locked'")).isEqualTo(1);
    }

    private static JobResult deleted(long deliveries, long auditRows) {
        return JobResult.completed(Map.of("deliveries_deleted", deliveries, "audit_rows_deleted", auditRows));
    }

    private void storedDelivery(String rawBody, boolean signatureOk, String outcome, Instant receivedAt) {
        execute("INSERT INTO payment_webhooks (raw_body, signature_ok, outcome, received_at) VALUES (?, ?, ?, ?)",
                rawBody, signatureOk, outcome, Timestamp.from(receivedAt));
    }

    private void storedAudit(String action, Instant occurredAt) {
        execute("INSERT INTO audit_log (occurred_at, actor, action, details) VALUES (?, 'test', ?, '{}'::jsonb)",
                Timestamp.from(occurredAt), action);
    }
}
