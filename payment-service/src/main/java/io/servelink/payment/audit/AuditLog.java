package io.servelink.payment.audit;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of sensitive actions (initiate, cancel, rejected webhooks): who, what, when, from where.
 * Call {@link #record} inside the transaction of the action so that the trail and the change agree.
 */
@Component
public class AuditLog {

    public static final String PAYMENT_INITIATED = "payment.initiated";
    public static final String PAYMENT_CANCELLED = "payment.cancelled";
    public static final String WEBHOOK_REJECTED = "webhook.rejected";

    private final DatabaseClient db;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(DatabaseClient db, JsonMapper json, Clock clock) {
        this.db = db;
        this.json = json;
        this.clock = clock;
    }

    public Mono<Void> record(String actor, String action, String teamSlug, UUID paymentId, RequestOrigin origin,
                             Map<String, ?> details) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("INSERT INTO audit_log (occurred_at, actor, action, team_slug, "
                        + "payment_id, remote_address, forwarded_for, details) VALUES (:at, :actor, :action, :team, :payment, "
                        + ":remote, :forwarded, CAST(:details AS jsonb))")
                .bind("at", clock.instant())
                .bind("actor", actor)
                .bind("action", action)
                .bind("details", json.writeValueAsString(details));
        spec = teamSlug == null ? spec.bindNull("team", String.class) : spec.bind("team", teamSlug);
        spec = paymentId == null ? spec.bindNull("payment", UUID.class) : spec.bind("payment", paymentId);
        spec = origin.remoteAddress() == null ? spec.bindNull("remote", String.class) : spec.bind("remote", origin.remoteAddress());
        spec = origin.forwardedFor() == null ? spec.bindNull("forwarded", String.class) : spec.bind("forwarded", origin.forwardedFor());
        return spec.fetch().rowsUpdated().then();
    }
}
