package io.servelink.gateway.metering;

import java.util.UUID;

/** An encoded traffic event waiting for Kafka: key project id, value the envelope's bytes. */
record PendingEvent(UUID eventId, String projectId, byte[] value) {

    @Override
    public boolean equals(Object other) {
        return other instanceof PendingEvent event && event.eventId.equals(eventId);
    }

    @Override
    public int hashCode() {
        return eventId.hashCode();
    }
}
