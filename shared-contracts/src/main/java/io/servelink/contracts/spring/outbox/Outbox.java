package io.servelink.contracts.spring.outbox;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import java.nio.charset.StandardCharsets;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The producer side of the transactional outbox: an event is written to {@code event_outbox} in the same
 * transaction as the change it reports; the {@link OutboxRelay} publishes it afterwards.
 */
public final class Outbox {

    private final DatabaseClient db;
    private final EventCodec codec;

    public Outbox(DatabaseClient db, EventCodec codec) {
        this.db = db;
        this.codec = codec;
    }

    /** Appends an event; call it inside the transaction of the business change. */
    public Mono<Void> append(String topic, String key, EventEnvelope<?> envelope) {
        return db.sql("INSERT INTO event_outbox (event_id, topic, event_key, payload) "
                        + "VALUES (:eventId, :topic, :key, CAST(:payload AS jsonb))")
                .bind("eventId", envelope.eventId())
                .bind("topic", topic)
                .bind("key", key)
                .bind("payload", new String(codec.encode(envelope), StandardCharsets.UTF_8))
                .fetch().rowsUpdated()
                .then();
    }
}
