package io.servelink.gateway.teams;

import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.gateway.audit.OperatorAuditLog;
import java.util.LinkedHashMap;
import java.util.Map;

/** The audit trail of operators' team changes: one line per change on {@code servelink.audit} ({@link OperatorAuditLog}). */
final class TeamAudit {

    static final String CREATED = "team.created";
    static final String CHANGED = "team.changed";
    static final String DELETED = "team.deleted";

    private TeamAudit() {
    }

    /** What the operator API shows of a team, for the details. */
    static Map<String, Object> describe(TeamChanged team) {
        TeamView shown = TeamView.of(team);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", shown.name());
        view.put("members", shown.members().stream().map(member -> Map.of("email", member.email(), "role", member.role(),
                "language", member.language())).toList());
        view.put("version", shown.version());
        return view;
    }
}
