package io.servelink.gateway.audit;

import io.servelink.starter.audit.AuditEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of operators' changes through the gateway's operator API (projects, teams), as one line per change
 * on the dedicated logger {@code servelink.audit}. The gateway has no database, and a compacted topic keeps only a
 * key's last value, so neither can hold the trail; the log pipeline (JSON logs in Kubernetes, every field also a
 * structured key) ships these lines to retained storage. A line is written once the broker acknowledged the change
 * ({@code outcome: applied}), or when the broker did not answer in time ({@code outcome: unconfirmed}: the change
 * may still land). The message is the entry as JSON, so no field can break the line.
 */
public final class OperatorAuditLog {

    public static final String LOGGER = "servelink.audit";
    public static final String APPLIED = "applied";
    public static final String UNCONFIRMED = "unconfirmed";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OperatorAuditLog() {
    }

    public static void record(AuditEntry entry, String outcome) {
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
}
