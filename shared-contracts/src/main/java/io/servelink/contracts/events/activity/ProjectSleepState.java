package io.servelink.contracts.events.activity;

import io.servelink.contracts.events.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a project is asleep, on the compacted topic {@code servelink.project-sleep.v1} keyed by project id. Published
 * by usage-service (which decides) when a project falls asleep or wakes; the gateway follows it to answer a sleeping
 * project's visitors. Consumers keep the highest {@code version}.
 *
 * @param since when the project entered this state
 */
@Event.Version(1)
public record ProjectSleepState(String projectId, String teamSlug, boolean asleep, Instant since, long version) implements Event {

    public ProjectSleepState {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(teamSlug, "teamSlug");
        Objects.requireNonNull(since, "since");
    }
}
