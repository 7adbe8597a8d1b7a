package io.servelink.usage.api;

import io.servelink.contracts.validation.Slug;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The thresholds a team's usage crossed (the alerts e-mailed to its owners and admins), newest first. */
@RestController
@RequestMapping("/api/usage/{team_slug}/alerts")
@Tag(name = "Usage alerts", description = "The usage alerts a team received: the 80, 95, 100 % thresholds and its own")
class AlertHistoryController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    /** The alert history as the API shows it. */
    record AlertHistory(String teamSlug, List<Alert> alerts) {
    }

    /**
     * One threshold crossed.
     *
     * @param scope     {@code team} for the team's total, {@code project} for one project (then {@code project_id})
     * @param period    the month the usage counts in, YYYY-MM (UTC)
     * @param crossedAt when the limit check saw the threshold crossed
     */
    record Alert(@Schema(allowableValues = {"traffic", "storage"}) String metric,
                 @Schema(allowableValues = {"team", "project"}) String scope,
                 @Schema(nullable = true, description = "the project, for scope project; null for scope team") String projectId,
                 int thresholdPercent, DataSize usage, DataSize limit, String period, Instant crossedAt) {
    }

    private final DatabaseClient db;
    private final TeamGuard guard;
    private final Clock clock;

    AlertHistoryController(DatabaseClient db, TeamGuard guard, Clock clock) {
        this.db = db;
        this.guard = guard;
        this.clock = clock;
    }

    @GetMapping
    @Operation(summary = "The team's usage alerts, newest first (any team member)")
    Mono<AlertHistory> alerts(@PathVariable("team_slug") @Slug String teamSlug,
                              @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM: only the alerts of that month; default every month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month,
                              @RequestParam(name = "limit", required = false) @Parameter(description = "most alerts answered, 1..200 (default 50)", schema = @Schema(type = "string", pattern = "^[0-9]{1,3}$", maxLength = 3)) String limit) {
        YearMonth period = month == null || month.isBlank() ? null : Months.parse(month, clock);
        int count = limitParam(limit);
        return guard.member(teamSlug)
                .then(history(teamSlug, period, count).collectList())
                .map(alerts -> new AlertHistory(teamSlug, alerts));
    }

    private Flux<Alert> history(String teamSlug, YearMonth period, int limit) {
        return db.sql("SELECT scope, metric, period, threshold_percent, usage_bytes, limit_bytes, crossed_at FROM usage_alerts "
                        + "WHERE team_slug = :team" + (period == null ? "" : " AND period = :period")
                        + " ORDER BY crossed_at DESC, threshold_percent DESC, metric, scope LIMIT :limit")
                .bind("team", teamSlug)
                .bindValues(period == null ? Map.of() : Map.of("period", period.toString()))
                .bind("limit", limit)
                .map(row -> {
                    String scope = row.get("scope", String.class);
                    boolean team = scope == null || scope.isEmpty();
                    return new Alert(row.get("metric", String.class).toLowerCase(Locale.ROOT),
                            team ? "team" : "project", team ? null : scope, row.get("threshold_percent", Integer.class),
                            DataSize.of(row.get("usage_bytes", Long.class)), DataSize.of(row.get("limit_bytes", Long.class)),
                            row.get("period", String.class), row.get("crossed_at", Instant.class));
                })
                .all();
    }

    private static int limitParam(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int count = Integer.parseInt(limit);
            if (count >= 1 && count <= MAX_LIMIT) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below with the parameter's name
        }
        throw ApiProblem.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
