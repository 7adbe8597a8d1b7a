package io.servelink.contracts.events.activity;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/**
 * A project asleep since {@code asleepSince} for longer than the configured number of days: the deployer may remove its
 * deployment entirely (scale to zero, free its node resources). Published once per sleep.
 */
@Event.Version(1)
public record ProjectScaleDownRequested(String projectId, String teamSlug, Instant asleepSince, Instant requestedAt)
        implements ProjectActivityEvent {
}
