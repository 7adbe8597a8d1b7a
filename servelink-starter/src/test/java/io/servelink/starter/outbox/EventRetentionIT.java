package io.servelink.starter.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.starter.SharedSchemaDatabase;
import io.servelink.starter.jobs.JobResult;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code event-retention} job deletes published outbox rows and processed-event ids past the retention, batch by
 * batch (a batch of 2 makes every run loop), and keeps recent ones and every unpublished row whatever its age.
 */
class EventRetentionIT {

    private static SharedSchemaDatabase db;

    @BeforeAll
    static void database() {
        db = SharedSchemaDatabase.forTestClass(EventRetentionIT.class);
    }

    @Test
    void deletesOldPublishedRowsAndOldProcessedEventsAndKeepsRecentAndUnpublishedOnes() {
        for (int i = 0; i < 5; i++) {
            outboxRow("old-published", "now() - interval '30 days'", "now() - interval '8 days'");
            processedEvent("old", "now() - interval '8 days'");
        }
        outboxRow("recent-published", "now() - interval '6 days'", "now() - interval '6 days'");
        outboxRow("old-unpublished", "now() - interval '30 days'", "NULL");
        processedEvent("recent", "now() - interval '6 days'");
        EventRetention retention = new EventRetention(db.client(),
                new OutboxSettings(true, Duration.ofMillis(500), 200, 20, Duration.ofMinutes(1), Duration.ofDays(7), 2));

        assertThat(retention.run().block(Duration.ofSeconds(30)))
                .isEqualTo(JobResult.completed(Map.of("outbox_rows_deleted", 5L, "processed_events_deleted", 5L)));

        assertThat(db.count("SELECT count(*) FROM event_outbox WHERE event_key = 'old-published'")).isZero();
        assertThat(db.count("SELECT count(*) FROM event_outbox WHERE event_key IN ('recent-published', 'old-unpublished')")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM processed_events WHERE consumer = 'old'")).isZero();
        assertThat(db.count("SELECT count(*) FROM processed_events WHERE consumer = 'recent'")).isOne();
        assertThat(retention.run().block(Duration.ofSeconds(30))).as("a second run finds nothing more")
                .isEqualTo(JobResult.completed(Map.of("outbox_rows_deleted", 0L, "processed_events_deleted", 0L)));
    }

    private static void outboxRow(String key, String createdAt, String publishedAt) {
        db.execute("INSERT INTO event_outbox (event_id, topic, event_key, payload, created_at, published_at) "
                + "VALUES (?, 'servelink.retention-test.v1', ?, '{}'::jsonb, " + createdAt + ", " + publishedAt + ")", UUID.randomUUID(), key);
    }

    private static void processedEvent(String consumer, String processedAt) {
        db.execute("INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, " + processedAt + ")",
                consumer, UUID.randomUUID());
    }
}
