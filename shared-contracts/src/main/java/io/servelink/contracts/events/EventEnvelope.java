package io.servelink.contracts.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What travels on every topic: a unique id (the consumers' idempotency key), the payload type and
 * its schema version, when the fact happened, and the payload itself.
 */
public record EventEnvelope<T>(UUID eventId, String type, Instant occurredAt, int version, T payload) {

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
    }

    /** Wraps a payload in a fresh envelope; the type name and version come from the payload's {@link Event}. */
    public static <T extends Event> EventEnvelope<T> of(T payload, Instant occurredAt) {
        return of(UUID.randomUUID(), payload, occurredAt);
    }

    public static <T extends Event> EventEnvelope<T> of(UUID eventId, T payload, Instant occurredAt) {
        return new EventEnvelope<>(eventId, payload.getClass().getSimpleName(), occurredAt, Event.versionOf(payload.getClass()), payload);
    }
}
