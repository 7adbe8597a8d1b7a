package io.servelink.starter.outbox;

import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The {@code event-retention} job of every service with an outbox: deletes published outbox rows and processed-event
 * ids older than {@code servelink.outbox.retention}, in batches of {@code retention-batch-size} rows, each statement
 * committed on its own (short locks whatever the backlog). Unpublished rows are never deleted. The age is the
 * database's, as are the timestamps it compares. A redelivered event older than the retention would no longer be
 * recognised, so the retention stays longer than any consumer can be rewound.
 */
public final class EventRetention implements Job {

    public static final String NAME = "event-retention";

    private final DatabaseClient db;
    private final OutboxSettings settings;

    public EventRetention(DatabaseClient db, OutboxSettings settings) {
        this.db = db;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<JobResult> run() {
        return deleteInBatches("DELETE FROM event_outbox WHERE id IN (SELECT id FROM event_outbox "
                + "WHERE published_at < now() - make_interval(secs => :age) ORDER BY id LIMIT :batch)")
                .flatMap(outboxRows -> deleteInBatches("DELETE FROM processed_events WHERE (consumer, event_id) IN ("
                        + "SELECT consumer, event_id FROM processed_events WHERE processed_at < now() - make_interval(secs => :age) "
                        + "LIMIT :batch)")
                        .map(processed -> JobResult.completed(Map.of("outbox_rows_deleted", outboxRows,
                                "processed_events_deleted", processed))));
    }

    /** One statement per batch until a batch comes back short. */
    private Mono<Long> deleteInBatches(String sql) {
        return deleteBatch(sql)
                .expand(deleted -> deleted < settings.retentionBatchSize() ? Mono.empty() : deleteBatch(sql))
                .reduce(0L, Long::sum);
    }

    private Mono<Long> deleteBatch(String sql) {
        return db.sql(sql)
                .bind("age", (double) settings.retention().toMillis() / 1000)
                .bind("batch", settings.retentionBatchSize())
                .fetch().rowsUpdated();
    }
}
