package io.servelink.starter.outbox;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.starter.kafka.TraceHeaders;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.nio.charset.StandardCharsets;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The producer side of the transactional outbox: an event is written to {@code event_outbox} in the same
 * transaction as the change it reports, with the current trace context; the {@link OutboxRelay} publishes it
 * afterwards, with that context in the record's {@code traceparent} header.
 */
public final class Outbox {

    private final DatabaseClient db;
    private final EventCodec codec;
    private final TraceHeaders tracing;

    public Outbox(DatabaseClient db, EventCodec codec) {
        this(db, codec, TraceHeaders.none());
    }

    public Outbox(DatabaseClient db, EventCodec codec, TraceHeaders tracing) {
        this.db = db;
        this.codec = codec;
        this.tracing = tracing;
    }

    /** Appends an event; call it inside the transaction of the business change. */
    public Mono<Void> append(String topic, String key, EventEnvelope<?> envelope) {
        return Mono.deferContextual(context -> {
            String traceParent = traceparentOf(context);
            DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO event_outbox (event_id, topic, event_key, payload, trace_parent) "
                            + "VALUES (:eventId, :topic, :key, CAST(:payload AS jsonb), :traceParent)")
                    .bind("eventId", envelope.eventId())
                    .bind("topic", topic)
                    .bind("key", key)
                    .bind("payload", new String(codec.encode(envelope), StandardCharsets.UTF_8));
            insert = traceParent == null ? insert.bindNull("traceParent", String.class) : insert.bind("traceParent", traceParent);
            return insert.fetch().rowsUpdated().then();
        });
    }

    /**
     * The trace of the subscriber: the services propagate context to thread-locals only where asked
     * ({@code spring.reactor.context-propagation=limited}, docs/benchmarks.md), so the current observation is
     * restored from the Reactor context for this one read.
     */
    private String traceparentOf(ContextView context) {
        try (ContextSnapshot.Scope ignored = SNAPSHOTS.setThreadLocalsFrom(context)) {
            return tracing.currentTraceparent();
        }
    }

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();
}
