package io.servelink.gateway.projects;

import io.servelink.starter.audit.AuditEntry;
import io.servelink.gateway.audit.OperatorAuditLog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The audit trail of operators' project changes: one line per change on the {@code servelink.audit} logger
 * ({@link OperatorAuditLog}).
 */
@Component
class ProjectAudit {

    static final String LOGGER = OperatorAuditLog.LOGGER;
    static final String CREATED = "project.created";
    static final String CHANGED = "project.changed";
    static final String DELETED = "project.deleted";
    static final String APPLIED = OperatorAuditLog.APPLIED;
    static final String UNCONFIRMED = OperatorAuditLog.UNCONFIRMED;

    void record(AuditEntry entry, String outcome) {
        OperatorAuditLog.record(entry, outcome);
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
