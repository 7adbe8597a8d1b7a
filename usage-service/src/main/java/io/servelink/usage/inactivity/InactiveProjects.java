package io.servelink.usage.inactivity;

import io.servelink.contracts.events.activity.ProjectWoken.WokenBy;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import io.servelink.usage.limits.TeamLimits;
import io.servelink.usage.limits.TeamLimitsDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * 02:00 UTC: puts to sleep every active, not deleted project of a Free team without traffic for
 * {@code servelink.usage.inactivity.after} (default 5 days). Inactivity counts from the latest of its last traffic, its
 * last wake and when usage-service first saw it. A team's plan is its entitlements snapshot's ({@link TeamLimitsDirectory});
 * a team without one is Free; projects of any other plan never sleep. Each project sleeps in its own transaction
 * ({@link ProjectSleeps#sleep}: one conditional statement decides between replicas and overlapping runs).
 * <p>
 * The run first wakes projects that are asleep although their team is no longer Free: the entitlements that made a team
 * Pro wake its projects as they arrive, and this closes the gap of a project put to sleep while that snapshot was on
 * its way.
 */
@Component
class InactiveProjects implements Job {

    static final String NAME = "inactive-projects";
    static final String FREE = "free";
    private static final String ACTOR = "job:" + NAME;

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final ProjectSleeps sleeps;
    private final TeamLimitsDirectory limits;
    private final Clock clock;
    private final Duration after;

    InactiveProjects(DatabaseClient db, TransactionalOperator transactions, ProjectSleeps sleeps, TeamLimitsDirectory limits,
                     Clock clock, InactivitySettings settings) {
        this.db = db;
        this.transactions = transactions;
        this.sleeps = sleeps;
        this.limits = limits;
        this.clock = clock;
        this.after = settings.after();
    }

    /** An awake project without traffic or wake since {@code inactiveSince}, with its team's limits. */
    record Candidate(String projectId, TeamLimits team, Instant inactiveSince) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<JobResult> run() {
        Instant now = clock.instant();
        return wakeProjectsOfTeamsNoLongerFree(now)
                .flatMap(woken -> candidates(now.minus(after))
                        .filter(candidate -> FREE.equals(candidate.team().plan()))
                        .concatMap(candidate -> sleeps.sleep(candidate.projectId(), candidate.team().teamSlug(), candidate.inactiveSince(),
                                now, ACTOR).as(transactions::transactional))
                        .count()
                        .map(slept -> JobResult.completed(Map.of("projects_slept", slept, "projects_woken_by_plan", woken))));
    }

    private Flux<Candidate> candidates(Instant quietSince) {
        return db.sql("SELECT * FROM (SELECT p.project_id, p.team_slug, " + TeamLimitsDirectory.COLUMNS + ", "
                        + "greatest(a.last_traffic_at, p.registered_at, CASE WHEN NOT s.asleep THEN s.since END) AS inactive_since "
                        + "FROM projects p "
                        + "LEFT JOIN project_activity a ON a.project_id = p.project_id "
                        + "LEFT JOIN project_sleep s ON s.project_id = p.project_id "
                        + "LEFT JOIN team_limits l ON l.team_slug = p.team_slug "
                        + "WHERE p.deleted_at IS NULL AND p.status = 'ACTIVE' AND (s.asleep IS NULL OR NOT s.asleep)) c "
                        + "WHERE c.inactive_since <= :quietSince ORDER BY c.project_id")
                .bind("quietSince", quietSince)
                .map(row -> new Candidate(row.get("project_id", String.class), limits.of(row, row.get("team_slug", String.class)),
                        row.get("inactive_since", Instant.class)))
                .all();
    }

    private Mono<Long> wakeProjectsOfTeamsNoLongerFree(Instant now) {
        return db.sql("SELECT DISTINCT s.team_slug FROM project_sleep s JOIN team_limits l ON l.team_slug = s.team_slug "
                        + "WHERE s.asleep AND l.plan <> :free ORDER BY s.team_slug")
                .bind("free", FREE)
                .map(row -> row.get("team_slug", String.class))
                .all()
                .concatMap(team -> sleeps.wakeTeam(team, new ProjectSleeps.Waker(WokenBy.PLAN, ACTOR, RequestOrigin.NONE,
                        Map.of("reason", "team_not_free")), now).as(transactions::transactional))
                .count();
    }
}
