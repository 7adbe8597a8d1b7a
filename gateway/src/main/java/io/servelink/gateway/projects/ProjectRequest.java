package io.servelink.gateway.projects;

import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.starter.ApiProblem;
import io.servelink.contracts.validation.Slug;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Body of {@code PUT /api/admin/projects/{project_id}}: what the gateway needs to serve a project. Bean Validation
 * checks the fields' presence and the team slug; {@link #toProject} normalizes and checks the host names, the upstream
 * URI and the status.
 */
record ProjectRequest(@NotNull(message = "is required") @Slug String teamSlug,
                      @NotEmpty(message = "must list at least one host name") List<String> hosts,
                      @NotBlank(message = "is required") String upstreamUri,
                      String status) {

    /** Each label of a host name is a DNS label, the rule slugs follow too. */
    private static final Pattern DNS_LABEL = Pattern.compile(Slug.PATTERN);

    /** The project this valid request describes; the first bad host, upstream URI or status is a 400 naming it. */
    Project toProject(String projectId) {
        return new Project(projectId, teamSlug, validHosts(), validUpstream(), validStatus());
    }

    private List<String> validHosts() {
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
        return ProjectStatus.fromWire(status.strip().toUpperCase(Locale.ROOT))
                .orElseThrow(() -> ApiProblem.invalid("status", "must be active or suspended"));
    }
}
