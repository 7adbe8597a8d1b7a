package io.servelink.contracts.events.activity;

import io.servelink.contracts.events.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * A visitor reached a sleeping project at a gateway, on {@code servelink.project-wake-requests.v1} keyed by project id.
 * Any number may arrive for one sleep (visitors, replicas); usage-service wakes the project once.
 *
 * @param gateway the instance that saw the visitor (diagnostics only)
 */
@Event.Version(1)
public record ProjectWakeRequested(String projectId, Instant requestedAt, String gateway) implements Event {

    public ProjectWakeRequested {
        Objects.requireNonNull(projectId, "projectId");
    }
}
