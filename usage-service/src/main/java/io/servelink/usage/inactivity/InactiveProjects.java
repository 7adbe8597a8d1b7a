package io.servelink.usage.inactivity;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.activity.ProjectSlept;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import io.servelink.starter.outbox.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * 02:00 UTC: publishes {@link ProjectSlept} for every active, not deleted project without traffic for
 * {@code servelink.usage.inactivity.after} (default 5 days), counting from its last traffic or, if it never had
 * any, from when usage-service first saw it. Once per inactivity spell: a spell is a row in
 * {@code inactivity_spells} keyed by (project, inactive since), at most one open per project, written with the
 * outbox row in one transaction ({@code ON CONFLICT DO NOTHING} decides between replicas). New traffic ends
 * the spell (its {@code ended_at} is set on the next run), so the project is reported again after its next
 * quiet spell.
 */
@Component
class InactiveProjects implements Job {

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Outbox outbox;
    private final TopicNames topics;
    private final Clock clock;
    private final Duration after;

    InactiveProjects(DatabaseClient db, TransactionalOperator transactions, Outbox outbox, TopicNames topics, Clock clock,
                     InactivitySettings settings) {
        this.db = db;
        this.transactions = transactions;
        this.outbox = outbox;
        this.topics = topics;
        this.clock = clock;
        this.after = settings.after();
    }

    record Candidate(String projectId, String teamSlug, Instant inactiveSince) {
    }

    @Override
    public String name() {
        return "inactive-projects";
    }

    @Override
    public Mono<JobResult> run() {
        Instant now = clock.instant();
        return endSpellsWithNewTraffic()
                .flatMap(ended -> candidates(now.minus(after))
                        .concatMap(candidate -> report(candidate, now))
                        .reduce(0L, Long::sum)
                        .map(reported -> JobResult.completed(Map.of("spells_ended", ended, "projects_reported", reported))));
    }

    private Mono<Long> endSpellsWithNewTraffic() {
        return db.sql("UPDATE inactivity_spells s SET ended_at = a.last_traffic_at FROM project_activity a "
                        + "WHERE s.project_id = a.project_id AND s.ended_at IS NULL AND a.last_traffic_at > s.inactive_since")
                .fetch().rowsUpdated();
    }

    private Flux<Candidate> candidates(Instant quietSince) {
        return db.sql("SELECT p.project_id, p.team_slug, coalesce(a.last_traffic_at, p.registered_at) AS since FROM projects p "
                        + "LEFT JOIN project_activity a ON a.project_id = p.project_id "
                        + "WHERE p.deleted_at IS NULL AND p.status = 'ACTIVE' AND coalesce(a.last_traffic_at, p.registered_at) <= :quietSince "
                        + "AND NOT EXISTS (SELECT 1 FROM inactivity_spells s WHERE s.project_id = p.project_id AND s.ended_at IS NULL) "
                        + "ORDER BY p.project_id")
                .bind("quietSince", quietSince)
                .map(row -> new Candidate(row.get("project_id", String.class), row.get("team_slug", String.class),
                        row.get("since", Instant.class)))
                .all();
    }

    /** Emits 1 when this run opened the spell and queued the event, 0 when another replica had. */
    private Mono<Long> report(Candidate candidate, Instant now) {
        UUID eventId = UUID.randomUUID();
        return db.sql("INSERT INTO inactivity_spells (project_id, inactive_since, detected_at, event_id) "
                        + "VALUES (:project, :since, :now, :eventId) ON CONFLICT DO NOTHING")
                .bind("project", candidate.projectId())
                .bind("since", candidate.inactiveSince())
                .bind("now", now)
                .bind("eventId", eventId)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.just(0L) : outbox.append(topics.projectActivity(), candidate.projectId(),
                        EventEnvelope.of(eventId, new ProjectSlept(candidate.projectId(), candidate.teamSlug(),
                                candidate.inactiveSince(), now), now)).thenReturn(1L))
                .as(transactions::transactional);
    }
}
