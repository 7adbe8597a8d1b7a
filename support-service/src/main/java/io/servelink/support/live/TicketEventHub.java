package io.servelink.support.live;

import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * In-process fan-out of ticket changes to live streams. Publishers call {@link #publish} after their transaction
 * committed; each stream filters by ticket and, for customers, drops internal updates. Best effort: a subscriber
 * that cannot keep up misses updates (and reloads the ticket), nothing is persisted.
 */
@Component
public class TicketEventHub {

    /** One change of one ticket: the SSE event name, whether only agents may see it, and the data to send. */
    public record TicketUpdate(UUID ticketId, String event, boolean internal, Object data) {
    }

    private final Sinks.Many<TicketUpdate> sink = Sinks.many().multicast().directBestEffort();

    public void publish(TicketUpdate update) {
        sink.emitNext(update, Sinks.EmitFailureHandler.busyLooping(java.time.Duration.ofMillis(100)));
    }

    /** Updates of one ticket; internal ones only when {@code includeInternal}. */
    public Flux<TicketUpdate> updates(UUID ticketId, boolean includeInternal) {
        return sink.asFlux()
                .filter(update -> update.ticketId().equals(ticketId))
                .filter(update -> includeInternal || !update.internal())
                .onBackpressureBuffer(256);
    }
}
