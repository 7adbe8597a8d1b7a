package io.servelink.contracts.events.activity;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/**
 * A Free project without traffic since {@code inactiveSince} was put to sleep: the gateway no longer proxies it. The
 * deployer may stop its instances (keep its data).
 */
@Event.Version(1)
public record ProjectSlept(String projectId, String teamSlug, Instant inactiveSince, Instant sleptAt) implements ProjectActivityEvent {
}
