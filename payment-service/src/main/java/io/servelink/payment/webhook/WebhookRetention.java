package io.servelink.payment.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Deletes rejected webhook deliveries ({@code payment_webhooks} rows whose signature did not hold) and their
 * {@code webhook.rejected} audit rows once they are older than {@code keep-rejected-for}: an anonymous flood of bad
 * signatures must not grow the tables forever. Accepted deliveries (the provider's signed events, malformed ones
 * included) and all other audit rows are never deleted here. Runs on one replica at a time ({@link JobLock});
 * deleting in batches of {@code batch-size} keeps each statement short, and running twice is harmless.
 */
@Component
class WebhookRetention implements Job {

    private static final Logger log = LoggerFactory.getLogger(WebhookRetention.class);

    /** What one run deleted. */
    private record Pruned(long deliveries, long auditRows) {
    }

    private final DatabaseClient db;
    private final WebhookRetentionSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;

    WebhookRetention(DatabaseClient db, WebhookRetentionSettings settings, Clock clock, MeterRegistry meters) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public String name() {
        return "webhook-retention";
    }

    @Override
    public Mono<JobResult> run() {
        return prune().map(pruned -> JobResult.completed(Map.of("deliveries_deleted", pruned.deliveries(),
                "audit_rows_deleted", pruned.auditRows())));
    }

    private Mono<Pruned> prune() {
        Instant cutoff = clock.instant().minus(settings.keepRejectedFor());
        return deleteInBatches("DELETE FROM payment_webhooks WHERE id IN (SELECT id FROM payment_webhooks "
                        + "WHERE NOT signature_ok AND received_at < :cutoff LIMIT :batch)", cutoff)
                .zipWith(deleteInBatches("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log "
                        + "WHERE action = '" + WebhookService.REJECTED + "' AND occurred_at < :cutoff LIMIT :batch)", cutoff),
                        Pruned::new)
                .doOnNext(pruned -> count(pruned, cutoff));
    }

    /** One statement per batch, each committed on its own, until a batch comes back short. */
    private Mono<Long> deleteInBatches(String sql, Instant cutoff) {
        return deleteBatch(sql, cutoff)
                .expand(deleted -> deleted < settings.batchSize() ? Mono.empty() : deleteBatch(sql, cutoff))
                .reduce(0L, Long::sum);
    }

    private Mono<Long> deleteBatch(String sql, Instant cutoff) {
        return db.sql(sql).bind("cutoff", cutoff).bind("batch", settings.batchSize()).fetch().rowsUpdated();
    }

    private void count(Pruned pruned, Instant cutoff) {
        meters.counter("servelink.payment.webhook.retention.deleted", "table", "payment_webhooks").increment(pruned.deliveries());
        meters.counter("servelink.payment.webhook.retention.deleted", "table", "audit_log").increment(pruned.auditRows());
        if (pruned.deliveries() + pruned.auditRows() > 0) {
            log.info("Deleted {} rejected webhook deliveries and {} webhook.rejected audit rows received before {}",
                    pruned.deliveries(), pruned.auditRows(), cutoff);
        }
    }
}
