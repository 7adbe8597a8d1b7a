package io.servelink.starter.audit;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of sensitive actions in the service's {@code audit_log} table (each service creates it with its
 * own Liquibase change). Call {@link #record} inside the transaction of the change, so that the trail and the
 * change agree: a change that rolls back leaves no line, and no line is missing for a change that committed.
 * Refused requests change nothing and are not recorded here.
 */
public final class AuditLog {

    /** An operator ran a scheduled job by hand. */
    public static final String JOB_TRIGGERED = "job.triggered";

    private final DatabaseClient db;
    private final JsonMapper json;
    private final Clock clock;

    public AuditLog(DatabaseClient db, JsonMapper json, Clock clock) {
        this.db = db;
        this.json = json;
        this.clock = clock;
    }

    public Mono<Void> record(AuditEntry entry) {
        return Mono.defer(() -> db.sql("INSERT INTO audit_log (occurred_at, actor, action, team_slug, subject_id, "
                        + "remote_address, forwarded_for, details) VALUES (:at, :actor, :action, :team, :subject, :remote, "
                        + ":forwarded, CAST(:details AS jsonb))")
                .bind("at", clock.instant())
                .bind("actor", cut(entry.actor(), 200))
                .bind("action", entry.action())
                .bind("team", Parameter.fromOrEmpty(cut(entry.teamSlug(), 100), String.class))
                .bind("subject", Parameter.fromOrEmpty(cut(entry.subjectId(), 100), String.class))
                .bind("remote", Parameter.fromOrEmpty(cut(entry.origin().remoteAddress(), 100), String.class))
                .bind("forwarded", Parameter.fromOrEmpty(cut(entry.origin().forwardedFor(), 300), String.class))
                .bind("details", json.writeValueAsString(entry.details()))
                .fetch().rowsUpdated()
                .then());
    }

    /**
     * Runs a job an operator triggered and records {@link #JOB_TRIGGERED} once it ends: {@code ran} false when
     * another replica held the job's lock, the run's figures from {@code summary}, or {@code failed} with the
     * error's type when it failed (the error still reaches the caller). The job's own changes are audited by the
     * job, in their own transactions.
     */
    public <T> Mono<T> jobTriggered(String actor, String job, RequestOrigin origin, Mono<T> run,
                                    Function<T, Map<String, ?>> summary) {
        return run
                .flatMap(result -> record(new AuditEntry(actor, JOB_TRIGGERED, null, job, origin, withJob(job, summary.apply(result))))
                        .thenReturn(result))
                .onErrorResume(e -> record(new AuditEntry(actor, JOB_TRIGGERED, null, job, origin,
                        withJob(job, Map.of("failed", e.getClass().getSimpleName()))))
                        .onErrorResume(auditFailure -> Mono.empty())
                        .then(Mono.error(e)));
    }

    private static Map<String, Object> withJob(String job, Map<String, ?> details) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("job", job);
        all.putAll(details);
        return all;
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
