package io.servelink.support.live;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ticket changes across replicas. A writer {@link #publish publishes} in its transaction ({@code pg_notify}, delivered
 * at commit, not at all on rollback); every replica's {@link TicketChangeListener} LISTENs and hands the changes to
 * its streams, so a client connected to any replica sees changes made through any other.
 */
@Component
public class TicketEventHub {

    static final String CHANNEL = "ticket_changes";

    private final DatabaseClient db;
    private final TicketChangeListener listener;

    TicketEventHub(DatabaseClient db, TicketChangeListener listener) {
        this.db = db;
        this.listener = listener;
    }

    /** Queues the change's notification on the current transaction's connection (sent when it commits). */
    public Mono<Void> publish(TicketChange change) {
        return db.sql("SELECT pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL).bind("payload", change.payload())
                .then();
    }

    /**
     * Changes of one ticket (internal ones only when {@code includeInternal}), and {@link TicketChange#RESYNC} after
     * the listener reconnected. Best effort: a subscriber more than 256 changes behind misses some.
     */
    public Flux<TicketChange> changes(UUID ticketId, boolean includeInternal) {
        return listener.changes()
                .filter(change -> change.isResync() || change.ticketId().equals(ticketId))
                .filter(change -> includeInternal || !change.internal())
                .onBackpressureBuffer(256);
    }
}
