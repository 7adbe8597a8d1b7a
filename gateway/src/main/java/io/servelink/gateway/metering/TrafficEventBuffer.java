package io.servelink.gateway.metering;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * Bounded buffer between the window clock and the Kafka sender. Events leave it only once Kafka acknowledged
 * them (the sender peeks, sends, then removes), so a failed send keeps them at the head, in order. When it is full,
 * the new event is refused: the caller counts and logs the drop.
 */
class TrafficEventBuffer {

    private final LinkedBlockingDeque<PendingEvent> events;

    TrafficEventBuffer(int capacity) {
        this.events = new LinkedBlockingDeque<>(capacity);
    }

    /** False when the buffer is full and the event was dropped. */
    boolean offer(PendingEvent event) {
        return events.offerLast(event);
    }

    /** The oldest events, up to {@code max}, left in the buffer until {@link #acknowledge}d. */
    List<PendingEvent> peek(int max) {
        List<PendingEvent> batch = new ArrayList<>(Math.min(max, events.size()));
        Iterator<PendingEvent> oldestFirst = events.iterator();
        while (batch.size() < max && oldestFirst.hasNext()) {
            batch.add(oldestFirst.next());
        }
        return batch;
    }

    /** Removes events Kafka has acknowledged. */
    void acknowledge(List<PendingEvent> sent) {
        sent.forEach(events::removeFirstOccurrence);
    }

    int size() {
        return events.size();
    }
}
