package io.servelink.usage.inactivity;

import io.r2dbc.spi.Readable;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.activity.ProjectScaleDownRequested;
import io.servelink.contracts.events.activity.ProjectSleepState;
import io.servelink.contracts.events.activity.ProjectSlept;
import io.servelink.contracts.events.activity.ProjectWoken;
import io.servelink.contracts.events.activity.ProjectWoken.WokenBy;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.outbox.Outbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sleep state of projects ({@code project_sleep}) and its transitions. Each transition is one conditional
 * statement on the project's row, so that among replicas, duplicate requests and racing callers exactly one caller
 * makes it; that caller appends the events (through the outbox) and the audit line. Call each method inside the
 * transaction of the change: the row, the events and the audit line commit together or not at all.
 * <ul>
 *   <li>fall asleep: {@link ProjectSlept} on {@code project-activity} and {@link ProjectSleepState} (asleep) on
 *       {@code project-sleep};</li>
 *   <li>wake: {@link ProjectWoken} and {@link ProjectSleepState} (awake);</li>
 *   <li>scale-down request: {@link ProjectScaleDownRequested}, once per sleep.</li>
 * </ul>
 * Every event is keyed by project id; {@code version} of the state counts the project's transitions.
 */
@Component
class ProjectSleeps {

    static final String SLEPT = "project.slept";
    static final String WOKEN = "project.woken";
    static final String SCALE_DOWN_REQUESTED = "project.scale_down_requested";

    private static final String VIEW_COLUMNS = "project_id, team_slug, asleep, since, inactive_since, woken_by, "
            + "scale_down_requested_at, version";

    private final DatabaseClient db;
    private final Outbox outbox;
    private final AuditLog audit;
    private final TopicNames topics;

    ProjectSleeps(DatabaseClient db, Outbox outbox, AuditLog audit, TopicNames topics) {
        this.db = db;
        this.outbox = outbox;
        this.audit = audit;
        this.topics = topics;
    }

    /** Who asked for a wake, for the audit trail. */
    record Waker(WokenBy by, String actor, RequestOrigin origin, Map<String, ?> details) {

        Waker {
            details = details == null ? Map.of() : details;
        }
    }

    /** A project's sleep state as stored; {@code since} is when it entered the state. */
    record SleepRow(String projectId, String teamSlug, boolean asleep, Instant since, Instant inactiveSince, WokenBy wokenBy,
                    Instant scaleDownRequestedAt, long version) {

        static SleepRow of(Readable row) {
            String wokenBy = row.get("woken_by", String.class);
            return new SleepRow(row.get("project_id", String.class), row.get("team_slug", String.class),
                    Boolean.TRUE.equals(row.get("asleep", Boolean.class)), row.get("since", Instant.class),
                    row.get("inactive_since", Instant.class), wokenBy == null ? null : WokenBy.fromWire(wokenBy).orElse(null),
                    row.get("scale_down_requested_at", Instant.class), row.get("version", Long.class));
        }
    }

    /** The sleep state of the team's live project, for the API; empty when the team has no such project. */
    Mono<ProjectSleepController.ProjectSleepView> viewOf(String teamSlug, String projectId) {
        return db.sql("SELECT p.registered_at, s.asleep, s.since, s.inactive_since, s.woken_by, s.scale_down_requested_at "
                        + "FROM projects p LEFT JOIN project_sleep s ON s.project_id = p.project_id "
                        + "WHERE p.project_id = :project AND p.team_slug = :team AND p.deleted_at IS NULL")
                .bind("project", projectId)
                .bind("team", teamSlug)
                .map(row -> {
                    boolean sleeping = Boolean.TRUE.equals(row.get("asleep", Boolean.class));
                    Instant since = row.get("since", Instant.class);
                    String wokenBy = row.get("woken_by", String.class);
                    return new ProjectSleepController.ProjectSleepView(projectId, teamSlug, sleeping,
                            since == null ? row.get("registered_at", Instant.class) : since,
                            sleeping ? row.get("inactive_since", Instant.class) : null,
                            wokenBy == null ? null : WokenBy.fromWire(wokenBy).orElse(null),
                            sleeping ? row.get("scale_down_requested_at", Instant.class) : null);
                })
                .one();
    }

    /**
     * Puts an awake project to sleep unless it had traffic after {@code inactiveSince} or was woken after it meanwhile
     * (another replica, a visitor, the owner). Emits the new state when this call put it to sleep; empty otherwise.
     */
    Mono<SleepRow> sleep(String projectId, String teamSlug, Instant inactiveSince, Instant now, String actor) {
        return db.sql("INSERT INTO project_sleep (project_id, team_slug, asleep, since, inactive_since, version) "
                        + "SELECT :project, :team, true, :now, :inactiveSince, 1 WHERE NOT EXISTS (SELECT 1 FROM project_activity a "
                        + "WHERE a.project_id = :project AND a.last_traffic_at > :inactiveSince) "
                        + "ON CONFLICT (project_id) DO UPDATE SET asleep = true, team_slug = EXCLUDED.team_slug, since = EXCLUDED.since, "
                        + "inactive_since = EXCLUDED.inactive_since, woken_by = NULL, scale_down_requested_at = NULL, "
                        + "version = project_sleep.version + 1 "
                        + "WHERE NOT project_sleep.asleep AND project_sleep.since <= EXCLUDED.inactive_since "
                        + "RETURNING " + VIEW_COLUMNS)
                .bind("project", projectId)
                .bind("team", teamSlug)
                .bind("now", now)
                .bind("inactiveSince", inactiveSince)
                .map(SleepRow::of)
                .one()
                .flatMap(slept -> announceSleep(slept, actor).thenReturn(slept));
    }

    private Mono<Void> announceSleep(SleepRow slept, String actor) {
        Instant now = slept.since();
        ProjectSlept event = new ProjectSlept(slept.projectId(), slept.teamSlug(), slept.inactiveSince(), now);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("inactive_since", slept.inactiveSince().toString());
        details.put("version", slept.version());
        return outbox.append(topics.projectActivity(), slept.projectId(), EventEnvelope.of(UUID.randomUUID(), event, now))
                .then(appendState(slept))
                .then(audit.record(new AuditEntry(actor, SLEPT, slept.teamSlug(), slept.projectId(), RequestOrigin.NONE, details)));
    }

    /** Wakes the project if it is asleep; emits the new state when this call woke it, empty when it was awake. */
    Mono<SleepRow> wake(String projectId, Waker waker, Instant now) {
        return db.sql("UPDATE project_sleep SET asleep = false, since = :now, woken_by = :by, version = version + 1 "
                        + "WHERE project_id = :project AND asleep RETURNING " + VIEW_COLUMNS)
                .bind("project", projectId)
                .bind("now", now)
                .bind("by", waker.by().wire())
                .map(SleepRow::of)
                .one()
                .flatMap(woken -> announceWake(woken, waker).thenReturn(woken));
    }

    /** Wakes every sleeping project of the team; emits each project this call woke. */
    Flux<SleepRow> wakeTeam(String teamSlug, Waker waker, Instant now) {
        return db.sql("UPDATE project_sleep SET asleep = false, since = :now, woken_by = :by, version = version + 1 "
                        + "WHERE team_slug = :team AND asleep RETURNING " + VIEW_COLUMNS)
                .bind("team", teamSlug)
                .bind("now", now)
                .bind("by", waker.by().wire())
                .map(SleepRow::of)
                .all()
                .concatMap(woken -> announceWake(woken, waker).thenReturn(woken));
    }

    private Mono<Void> announceWake(SleepRow woken, Waker waker) {
        ProjectWoken event = new ProjectWoken(woken.projectId(), woken.teamSlug(), woken.since(), waker.by());
        Map<String, Object> details = new LinkedHashMap<>(waker.details());
        details.put("by", waker.by().wire());
        details.put("version", woken.version());
        return outbox.append(topics.projectActivity(), woken.projectId(), EventEnvelope.of(UUID.randomUUID(), event, woken.since()))
                .then(appendState(woken))
                .then(audit.record(new AuditEntry(waker.actor(), WOKEN, woken.teamSlug(), woken.projectId(), waker.origin(), details)));
    }

    private Mono<Void> appendState(SleepRow row) {
        ProjectSleepState state = new ProjectSleepState(row.projectId(), row.teamSlug(), row.asleep(), row.since(), row.version());
        return outbox.append(topics.projectSleep(), row.projectId(), EventEnvelope.of(UUID.randomUUID(), state, row.since()));
    }

    /** Projects asleep since {@code asleepBefore} or earlier whose scale-down was not requested yet in this sleep. */
    Flux<SleepRow> awaitingScaleDown(Instant asleepBefore) {
        return db.sql("SELECT " + VIEW_COLUMNS + " FROM project_sleep WHERE asleep AND since <= :before "
                        + "AND scale_down_requested_at IS NULL ORDER BY project_id")
                .bind("before", asleepBefore)
                .map(SleepRow::of)
                .all();
    }

    /**
     * Records the scale-down request of the project's sleep that began at {@code asleepSince}, unless it woke since or
     * the request was recorded already; emits 1 when this call recorded it (and appended the event), 0 otherwise.
     */
    Mono<Long> requestScaleDown(SleepRow sleeping, Instant now, String actor) {
        return db.sql("UPDATE project_sleep SET scale_down_requested_at = :now WHERE project_id = :project AND asleep "
                        + "AND since = :since AND scale_down_requested_at IS NULL")
                .bind("project", sleeping.projectId())
                .bind("since", sleeping.since())
                .bind("now", now)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.just(0L) : announceScaleDown(sleeping, now, actor).thenReturn(1L));
    }

    private Mono<Void> announceScaleDown(SleepRow sleeping, Instant now, String actor) {
        ProjectScaleDownRequested event = new ProjectScaleDownRequested(sleeping.projectId(), sleeping.teamSlug(), sleeping.since(), now);
        return outbox.append(topics.projectActivity(), sleeping.projectId(), EventEnvelope.of(UUID.randomUUID(), event, now))
                .then(audit.record(new AuditEntry(actor, SCALE_DOWN_REQUESTED, sleeping.teamSlug(), sleeping.projectId(),
                        RequestOrigin.NONE, Map.of("asleep_since", sleeping.since().toString()))));
    }
}
