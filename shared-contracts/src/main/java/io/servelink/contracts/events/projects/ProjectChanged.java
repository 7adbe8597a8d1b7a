package io.servelink.contracts.events.projects;

import io.servelink.contracts.events.Event;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The current routing data of a project, on the compacted topic {@code servelink.projects.v1}, keyed by
 * project id. Removing a project is a tombstone (a null value) for its key.
 *
 * @param hosts       host names the gateway serves for the project (lower case, no port)
 * @param upstreamUri where the gateway proxies the project's traffic
 */
@Event.Version(1)
public record ProjectChanged(String projectId, String teamSlug, List<String> hosts, URI upstreamUri, ProjectStatus status)
        implements Event {

    public ProjectChanged {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(teamSlug, "teamSlug");
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        Objects.requireNonNull(upstreamUri, "upstreamUri");
        status = status == null ? ProjectStatus.ACTIVE : status;
    }
}
