package io.servelink.usage.api;

import io.servelink.usage.api.UsageResponses.DailyTraffic;
import io.servelink.usage.api.UsageResponses.ProjectUsage;
import io.servelink.usage.api.UsageResponses.StorageMonth;
import io.r2dbc.spi.Readable;
import io.servelink.usage.limits.TeamLimits;
import io.servelink.usage.limits.TeamLimitsDirectory;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads usage for the API. A team's projects are those the projects topic currently maps to it. */
@Component
class UsageQueries {

    /**
     * A project's month, with the measurements that shape its storage figures as two arrays, oldest first (whole epoch
     * seconds and total bytes): the last one before the month (it holds from the month's start), then the month's own.
     */
    private static final String PROJECT_USAGE = "SELECT p.project_id, p.team_slug, "
            + "CASE WHEN p.deleted_at IS NOT NULL THEN 'deleted' ELSE lower(p.status) END AS status, "
            + "coalesce(u.request_bytes, 0) AS request_bytes, coalesce(u.response_bytes, 0) AS response_bytes, "
            + "coalesce(u.storage_bytes, 0) AS storage_bytes, coalesce(u.requests, 0) AS requests, "
            + "coalesce(s.asleep, false) AS sleeping, CASE WHEN s.asleep THEN s.since END AS sleeping_since, "
            + "u.storage_stale_since, p.deleted_at, lv.level_at, lv.level_bytes "
            + "FROM projects p LEFT JOIN project_usage u ON u.project_id = p.project_id AND u.year = :year AND u.month = :month "
            + "LEFT JOIN project_sleep s ON s.project_id = p.project_id "
            + "LEFT JOIN LATERAL (SELECT array_agg(CAST(floor(extract(epoch FROM m.measured_at)) AS bigint) ORDER BY m.measured_at) AS level_at, "
            + "array_agg(m.total_bytes ORDER BY m.measured_at) AS level_bytes FROM ("
            + "(SELECT b.measured_at, b.total_bytes FROM storage_measurements b WHERE b.project_id = p.project_id "
            + "AND b.measured_at < :start ORDER BY b.measured_at DESC LIMIT 1) UNION ALL (SELECT i.measured_at, i.total_bytes "
            + "FROM storage_measurements i WHERE i.project_id = p.project_id AND i.measured_at >= :start AND i.measured_at < :end)) m) lv ON true ";

    /** The team's live projects, plus removed ones that have usage in the month. */
    private static final String TEAM_PROJECTS = "WHERE p.team_slug = :team AND (p.deleted_at IS NULL OR u.project_id IS NOT NULL) ";

    /**
     * The team's limits joined to each of its projects' usage: one row per project, or one row of limits alone for a
     * team without projects; limits columns are null when the team has no entitlements snapshot.
     */
    private static final String TEAM_MONTH = "SELECT " + TeamLimitsDirectory.COLUMNS + ", "
            + "coalesce(s.traffic_blocked, false) AS state_traffic_blocked, pu.* "
            + "FROM (SELECT CAST(:team AS text) AS team_slug) t "
            + "LEFT JOIN team_limits l ON l.team_slug = t.team_slug "
            + "LEFT JOIN team_usage_state s ON s.team_slug = t.team_slug AND s.period = :period "
            + "LEFT JOIN LATERAL (" + PROJECT_USAGE + TEAM_PROJECTS + ") pu ON true "
            + "ORDER BY pu.project_id";

    /**
     * A team's projects in a month, with the limits they count against, and whether the usage state published for
     * that month stops the team's projects (what the gateway enforces).
     */
    record TeamMonth(List<ProjectUsage> projects, StorageMonth storage, TeamLimits limits, boolean trafficBlocked) {
    }

    private final DatabaseClient db;
    private final TeamLimitsDirectory limits;
    private final Clock clock;

    UsageQueries(DatabaseClient db, TeamLimitsDirectory limits, Clock clock) {
        this.db = db;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * What {@link #projectsOfTeam} and {@link TeamLimitsDirectory#of(String)} answer together, in one query: the
     * team usage endpoint's two lookups were two pool checkouts and two round trips for every call.
     */
    Mono<TeamMonth> teamMonth(String teamSlug, YearMonth month) {
        Instant now = clock.instant();
        return teamMonthRows(teamSlug, month).map(rows -> {
            List<ProjectUsage> projects = new ArrayList<>(rows.size());
            List<StorageSeries> series = new ArrayList<>(rows.size());
            rows.stream().map(TeamMonthRow::project).filter(Objects::nonNull).forEach(row -> {
                StorageSeries of = row.series(month, now);
                series.add(of);
                projects.add(row.complete(of, month));
            });
            return new TeamMonth(projects, teamStorage(month, projects, series), rows.getFirst().limits(), rows.getFirst().trafficBlocked());
        });
    }

    /** A team's month of storage: sums of its projects' figures, its peak the highest sum at one time. */
    static StorageMonth teamStorage(YearMonth month, List<ProjectUsage> projects, List<StorageSeries> series) {
        long latest = projects.stream().mapToLong(p -> p.storage().bytes()).sum();
        BigInteger byteSeconds = projects.stream().map(p -> p.storageMonth().byteSeconds()).reduce(BigInteger.ZERO, BigInteger::add);
        Instant measuredAt = projects.stream().map(p -> p.storageMonth().measuredAt()).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);
        Instant staleSince = projects.stream().map(p -> p.storageMonth().staleSince()).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);
        return StorageMonth.of(month, latest, StorageSeries.peakOfSum(series), byteSeconds, measuredAt, staleSince);
    }

    private Mono<List<TeamMonthRow>> teamMonthRows(String teamSlug, YearMonth month) {
        return bindMonth(db.sql(TEAM_MONTH), month)
                .bind("team", teamSlug)
                .bind("period", month.toString())
                .map(row -> new TeamMonthRow(row.get("project_id", String.class) == null ? null : projectRow(row),
                        limits.of(row, teamSlug), Boolean.TRUE.equals(row.get("state_traffic_blocked", Boolean.class))))
                .all()
                .collectList();
    }

    /** One row of {@link #TEAM_MONTH}: a project, or null for a team without any. */
    private record TeamMonthRow(ProjectRow project, TeamLimits limits, boolean trafficBlocked) {
    }

    /** A project's row, and the measurements its storage series is made of. */
    private record ProjectRow(ProjectUsage usage, Instant staleSince, Instant removedAt, List<StorageSeries.Level> levels) {

        StorageSeries series(YearMonth month, Instant now) {
            return new StorageSeries(levels, month, now, removedAt);
        }

        ProjectUsage complete(StorageSeries series, YearMonth month) {
            StorageMonth storage = StorageMonth.of(month, usage.storage().bytes(), series.peak(), series.byteSeconds(),
                    series.measuredAt(), staleSince);
            return new ProjectUsage(usage.projectId(), usage.status(), usage.traffic(), usage.requestTraffic(), usage.responseTraffic(),
                    usage.storage(), storage, usage.requests(), usage.sleeping(), usage.sleepingSince());
        }
    }

    /** Binds the month and its bounds that {@link #PROJECT_USAGE} reads. */
    private static DatabaseClient.GenericExecuteSpec bindMonth(DatabaseClient.GenericExecuteSpec spec, YearMonth month) {
        return spec.bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .bind("start", month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant())
                .bind("end", month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The team's live projects, plus removed ones that have usage in the month; with each one's storage series. */
    Mono<List<ProjectMonth>> projectsOfTeam(String teamSlug, YearMonth month) {
        Instant now = clock.instant();
        return bindMonth(db.sql(PROJECT_USAGE + TEAM_PROJECTS + "ORDER BY p.project_id"), month)
                .bind("team", teamSlug)
                .map(UsageQueries::projectRow)
                .all()
                .map(row -> {
                    StorageSeries series = row.series(month, now);
                    return new ProjectMonth(row.complete(series, month), series);
                })
                .collectList();
    }

    /** A project's usage in a month with the series its storage figures come from. */
    record ProjectMonth(ProjectUsage usage, StorageSeries series) {
    }

    /** The project's usage when the project belongs to the team; empty otherwise (unknown or another team's). */
    Mono<ProjectUsage> projectOfTeam(String teamSlug, String projectId, YearMonth month) {
        Instant now = clock.instant();
        return bindMonth(db.sql(PROJECT_USAGE + "WHERE p.team_slug = :team AND p.project_id = :project"), month)
                .bind("team", teamSlug)
                .bind("project", projectId)
                .map(UsageQueries::projectRow)
                .one()
                .map(row -> row.complete(row.series(month, now), month));
    }

    Flux<DailyTraffic> daily(String projectId, YearMonth month) {
        return db.sql("SELECT day, traffic_bytes, requests FROM project_usage_daily "
                        + "WHERE project_id = :project AND day BETWEEN :first AND :last ORDER BY day")
                .bind("project", projectId)
                .bind("first", month.atDay(1))
                .bind("last", month.atEndOfMonth())
                .map(row -> new DailyTraffic(row.get("day", LocalDate.class), DataSize.of(longOf(row, "traffic_bytes")),
                        longOf(row, "requests")))
                .all();
    }

    private static ProjectRow projectRow(Readable row) {
        long request = longOf(row, "request_bytes");
        long response = longOf(row, "response_bytes");
        ProjectUsage usage = new ProjectUsage(row.get("project_id", String.class), row.get("status", String.class),
                DataSize.of(request + response), DataSize.of(request), DataSize.of(response),
                DataSize.of(longOf(row, "storage_bytes")), null, longOf(row, "requests"),
                Boolean.TRUE.equals(row.get("sleeping", Boolean.class)), row.get("sleeping_since", Instant.class));
        return new ProjectRow(usage, row.get("storage_stale_since", Instant.class), row.get("deleted_at", Instant.class), levels(row));
    }

    private static List<StorageSeries.Level> levels(Readable row) {
        Long[] at = row.get("level_at", Long[].class);
        Long[] bytes = row.get("level_bytes", Long[].class);
        if (at == null || bytes == null) {
            return List.of();
        }
        List<StorageSeries.Level> levels = new ArrayList<>(at.length);
        for (int i = 0; i < at.length; i++) {
            levels.add(new StorageSeries.Level(at[i], bytes[i]));
        }
        return levels;
    }

    private static long longOf(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }
}
