package io.servelink.gateway.projects;

import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A project as the gateway serves it: its host names (lower case, no port) and the upstream its traffic goes to.
 */
public record Project(String id, String teamSlug, List<String> hosts, URI upstreamUri, ProjectStatus status) {

    public Project {
        hosts = hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    static Project from(ProjectChanged event) {
        return new Project(event.projectId(), event.teamSlug(), event.hosts(), event.upstreamUri(), event.status());
    }

    ProjectChanged toEvent() {
        return new ProjectChanged(id, teamSlug, hosts, upstreamUri, status);
    }

    public boolean isActive() {
        return status == ProjectStatus.ACTIVE;
    }
}
