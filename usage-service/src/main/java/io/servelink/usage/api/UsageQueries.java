package io.servelink.usage.api;

import io.servelink.usage.api.UsageResponses.DailyTraffic;
import io.servelink.usage.api.UsageResponses.ProjectUsage;
import io.r2dbc.spi.Readable;
import io.servelink.usage.limits.TeamLimits;
import io.servelink.usage.limits.TeamLimitsDirectory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads usage for the API. A team's projects are those the projects topic currently maps to it. */
@Component
class UsageQueries {

    private static final String PROJECT_USAGE = "SELECT p.project_id, p.team_slug, "
            + "CASE WHEN p.deleted_at IS NOT NULL THEN 'deleted' ELSE lower(p.status) END AS status, "
            + "coalesce(u.request_bytes, 0) AS request_bytes, coalesce(u.response_bytes, 0) AS response_bytes, "
            + "coalesce(u.storage_bytes, 0) AS storage_bytes, coalesce(u.requests, 0) AS requests, "
            + "coalesce(s.asleep, false) AS sleeping, CASE WHEN s.asleep THEN s.since END AS sleeping_since "
            + "FROM projects p LEFT JOIN project_usage u ON u.project_id = p.project_id AND u.year = :year AND u.month = :month "
            + "LEFT JOIN project_sleep s ON s.project_id = p.project_id ";

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
    record TeamMonth(List<ProjectUsage> projects, TeamLimits limits, boolean trafficBlocked) {
    }

    private final DatabaseClient db;
    private final TeamLimitsDirectory limits;

    UsageQueries(DatabaseClient db, TeamLimitsDirectory limits) {
        this.db = db;
        this.limits = limits;
    }

    /**
     * What {@link #projectsOfTeam} and {@link TeamLimitsDirectory#of(String)} answer together, in one query: the
     * team usage endpoint's two lookups were two pool checkouts and two round trips for every call.
     */
    Mono<TeamMonth> teamMonth(String teamSlug, YearMonth month) {
        return db.sql(TEAM_MONTH)
                .bind("team", teamSlug)
                .bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .bind("period", month.toString())
                .map(row -> new TeamMonthRow(row.get("project_id", String.class) == null ? null : projectUsage(row),
                        limits.of(row, teamSlug), Boolean.TRUE.equals(row.get("state_traffic_blocked", Boolean.class))))
                .all()
                .collectList()
                .map(rows -> {
                    List<ProjectUsage> projects = new ArrayList<>(rows.size());
                    rows.stream().map(TeamMonthRow::project).filter(Objects::nonNull).forEach(projects::add);
                    return new TeamMonth(projects, rows.getFirst().limits(), rows.getFirst().trafficBlocked());
                });
    }

    /** One row of {@link #TEAM_MONTH}: a project, or null for a team without any. */
    private record TeamMonthRow(ProjectUsage project, TeamLimits limits, boolean trafficBlocked) {
    }

    /** The team's live projects, plus removed ones that have usage in the month. */
    Flux<ProjectUsage> projectsOfTeam(String teamSlug, YearMonth month) {
        return db.sql(PROJECT_USAGE + TEAM_PROJECTS + "ORDER BY p.project_id")
                .bind("team", teamSlug)
                .bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .map(UsageQueries::projectUsage)
                .all();
    }

    /** The project's usage when the project belongs to the team; empty otherwise (unknown or another team's). */
    Mono<ProjectUsage> projectOfTeam(String teamSlug, String projectId, YearMonth month) {
        return db.sql(PROJECT_USAGE + "WHERE p.team_slug = :team AND p.project_id = :project")
                .bind("team", teamSlug)
                .bind("project", projectId)
                .bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .map(UsageQueries::projectUsage)
                .one();
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

    private static ProjectUsage projectUsage(Readable row) {
        long request = longOf(row, "request_bytes");
        long response = longOf(row, "response_bytes");
        return new ProjectUsage(row.get("project_id", String.class), row.get("status", String.class),
                DataSize.of(request + response), DataSize.of(request), DataSize.of(response),
                DataSize.of(longOf(row, "storage_bytes")), longOf(row, "requests"),
                Boolean.TRUE.equals(row.get("sleeping", Boolean.class)), row.get("sleeping_since", Instant.class));
    }

    private static long longOf(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }
}
