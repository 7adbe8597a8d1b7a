package io.servelink.gateway.projects;

import io.servelink.starter.audit.AuditEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of operators' project changes, as one line per change on the dedicated logger
 * {@code servelink.audit}. The gateway has no database, and the compacted projects topic keeps only a project's
 * last value, so neither can hold the trail; the log pipeline (JSON logs in Kubernetes, every field also a
 * structured key) ships these lines to retained storage. A line is written once the broker acknowledged the change
 * ({@code outcome: applied}), or when the broker did not answer in time ({@code outcome: unconfirmed}: the change
 * may still land). The message is the entry as JSON, so no field can break the line.
 */
@Component
class ProjectAudit {

    static final String LOGGER = "servelink.audit";
    static final String CREATED = "project.created";
    static final String CHANGED = "project.changed";
    static final String DELETED = "project.deleted";
    static final String APPLIED = "applied";
    static final String UNCONFIRMED = "unconfirmed";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    void record(AuditEntry entry, String outcome) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("action", entry.action());
        line.put("outcome", outcome);
        line.put("actor", entry.actor());
        line.put("team_slug", entry.teamSlug());
        line.put("subject_id", entry.subjectId());
        line.put("remote_address", entry.origin().remoteAddress());
        line.put("forwarded_for", entry.origin().forwardedFor());
        line.put("details", entry.details());
        var event = UNCONFIRMED.equals(outcome) ? audit.atWarn() : audit.atInfo();
        line.forEach((key, value) -> event.addKeyValue("audit." + key, value instanceof Map<?, ?> ? JSON.writeValueAsString(value) : value));
        event.log("audit " + JSON.writeValueAsString(line));
    }

    /** What the operator API shows of a project, for the details. */
    static Map<String, Object> describe(Project project) {
        Map<String, Object> view = new LinkedHashMap<>();
        ProjectView shown = ProjectView.of(project);
        view.put("team_slug", shown.teamSlug());
        view.put("hosts", shown.hosts());
        view.put("upstream_uri", shown.upstreamUri());
        view.put("status", shown.status());
        return view;
    }
}
