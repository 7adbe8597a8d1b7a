package io.servelink.contracts.events.traffic;

import io.servelink.contracts.events.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * Body bytes one gateway replica moved for one project during one short window, counted as they streamed.
 * Keyed by project id on {@code servelink.traffic.v1}; the envelope's event id makes it countable once.
 *
 * @param requestBytes  request body bytes read from clients and sent upstream
 * @param responseBytes response body bytes written to clients
 * @param requests      requests completed in the window
 */
@Event.Version(1)
public record TrafficRecorded(String projectId, Instant windowStart, Instant windowEnd,
                              long requestBytes, long responseBytes, long requests) implements Event {

    public TrafficRecorded {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        if (requestBytes < 0 || responseBytes < 0 || requests < 0) {
            throw new IllegalArgumentException("byte and request counts cannot be negative");
        }
    }

    public long totalBytes() {
        return requestBytes + responseBytes;
    }
}
