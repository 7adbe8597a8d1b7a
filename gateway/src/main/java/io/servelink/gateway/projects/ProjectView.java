package io.servelink.gateway.projects;

import java.util.List;
import java.util.Locale;

/** A project as the operator API shows it. */
record ProjectView(String projectId, String teamSlug, List<String> hosts, String upstreamUri, String status) {

    static ProjectView of(Project project) {
        return new ProjectView(project.id(), project.teamSlug(), project.hosts(), project.upstreamUri().toString(),
                project.status().wire().toLowerCase(Locale.ROOT));
    }
}
