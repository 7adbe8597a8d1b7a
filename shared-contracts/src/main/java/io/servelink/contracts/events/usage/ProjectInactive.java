package io.servelink.contracts.events.usage;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/** A project had no traffic since {@code inactiveSince}; published once per inactivity spell. Key: project id. */
@Event.Version(1)
public record ProjectInactive(String projectId, String teamSlug, Instant inactiveSince, Instant detectedAt) implements Event {
}
