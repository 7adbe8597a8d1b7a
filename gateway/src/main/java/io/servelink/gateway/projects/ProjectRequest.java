package io.servelink.gateway.projects;

import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.contracts.spring.ApiProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Body of {@code PUT /api/admin/projects/{project_id}}: what the gateway needs to serve a project. */
record ProjectRequest(String teamSlug, List<String> hosts, String upstreamUri, String status) {

    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    static String validProjectId(String projectId) {
        if (projectId == null || !SLUG.matcher(projectId).matches()) {
            throw ApiProblem.invalid("project_id", "must match " + SLUG.pattern());
        }
        return projectId;
    }

    /** Checks every field and returns the project it describes; the first bad field is a 400 naming it. */
    Project toProject(String projectId) {
        validProjectId(projectId);
        if (teamSlug == null || !SLUG.matcher(teamSlug).matches()) {
            throw ApiProblem.invalid("team_slug", "must match " + SLUG.pattern());
        }
        return new Project(projectId, teamSlug, validHosts(), validUpstream(), validStatus());
    }

    private List<String> validHosts() {
        if (hosts == null || hosts.isEmpty()) {
            throw ApiProblem.invalid("hosts", "must list at least one host name");
        }
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i) == null ? "" : hosts.get(i).strip().toLowerCase(Locale.ROOT);
            if (!isDnsName(host)) {
                throw ApiProblem.invalid("hosts[" + i + "]", "must be a DNS host name without scheme or port");
            }
            valid.add(host);
        }
        return valid;
    }

    private static boolean isDnsName(String host) {
        if (host.isEmpty() || host.length() > 253 || !host.contains(".")) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private URI validUpstream() {
        if (upstreamUri == null || upstreamUri.isBlank()) {
            throw ApiProblem.invalid("upstream_uri", "is required");
        }
        try {
            URI uri = new URI(upstreamUri.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw ApiProblem.invalid("upstream_uri", "must be an absolute http or https URI without query or fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ApiProblem.invalid("upstream_uri", "is not a valid URI");
        }
    }

    private ProjectStatus validStatus() {
        if (status == null || status.isBlank()) {
            return ProjectStatus.ACTIVE;
        }
        for (ProjectStatus candidate : ProjectStatus.values()) {
            if (candidate.name().equalsIgnoreCase(status.strip())) {
                return candidate;
            }
        }
        throw ApiProblem.invalid("status", "must be active or suspended");
    }
}
