package io.servelink.starter.outbox;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The consumer side of exactly-once effects: an event id is recorded in {@code processed_events} in the same
 * transaction as the effect, so a redelivered event finds its id and changes nothing.
 */
public final class ProcessedEvents {

    private final DatabaseClient db;

    public ProcessedEvents(DatabaseClient db) {
        this.db = db;
    }

    /** True when this consumer sees the event for the first time; call it inside the effect's transaction. */
    public Mono<Boolean> firstDelivery(String consumer, UUID eventId) {
        return db.sql("INSERT INTO processed_events (consumer, event_id) VALUES (:consumer, :eventId) ON CONFLICT DO NOTHING")
                .bind("consumer", consumer)
                .bind("eventId", eventId)
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }
}
