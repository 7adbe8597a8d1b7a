package io.servelink.support.stats;

import io.servelink.contracts.validation.Slug;
import io.servelink.support.ticket.SupportAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A team's support figures, computed in SQL: counts by status, priority and category (every value present, zero
 * when none), mean and median (percentile_cont 0.5) of first-response and resolution times in seconds over the
 * tickets that have one (null when none has).
 */
@RestController
class StatsController {

    record Durations(Double meanSeconds, Double medianSeconds, long count) {
    }

    record TeamStats(String teamSlug, long total, Map<String, Long> byStatus, Map<String, Long> byPriority,
                     Map<String, Long> byCategory, Durations firstResponse, Durations resolution) {
    }

    private static final List<String> STATUSES = List.of("open", "in_progress", "waiting", "resolved", "closed");
    private static final List<String> PRIORITIES = List.of("low", "normal", "high", "urgent");
    private static final List<String> CATEGORIES = List.of("technical", "billing", "feature_request", "bug_report", "other");

    private final DatabaseClient db;
    private final SupportAccess access;

    StatsController(DatabaseClient db, SupportAccess access) {
        this.db = db;
        this.access = access;
    }

    @GetMapping("/api/support/{team_slug}/stats")
    Mono<TeamStats> stats(@PathVariable("team_slug") @Slug String team) {
        return access.onTeam(team).then(counts(team).zipWith(times(team),
                (counts, times) -> new TeamStats(team, counts.get("status").values().stream().mapToLong(Long::longValue).sum(),
                        counts.get("status"), counts.get("priority"), counts.get("category"), times.get(0), times.get(1))));
    }

    private Mono<Map<String, Map<String, Long>>> counts(String team) {
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        result.put("status", zeros(STATUSES));
        result.put("priority", zeros(PRIORITIES));
        result.put("category", zeros(CATEGORIES));
        return db.sql("SELECT 'status' AS dimension, status AS value, count(*) AS n FROM tickets WHERE team_slug = :team GROUP BY status "
                        + "UNION ALL SELECT 'priority', priority, count(*) FROM tickets WHERE team_slug = :team GROUP BY priority "
                        + "UNION ALL SELECT 'category', category, count(*) FROM tickets WHERE team_slug = :team GROUP BY category")
                .bind("team", team)
                .map(row -> Map.entry(row.get("dimension", String.class) + "/" + row.get("value", String.class), row.get("n", Long.class)))
                .all()
                .doOnNext(entry -> {
                    String[] key = entry.getKey().split("/", 2);
                    result.get(key[0]).put(key[1], entry.getValue());
                })
                .then(Mono.just(result));
    }

    private Mono<List<Durations>> times(String team) {
        return db.sql("WITH d AS (SELECT extract(epoch FROM first_response_at - created_at)::float8 AS first_response, "
                        + "extract(epoch FROM resolved_at - created_at)::float8 AS resolution FROM tickets WHERE team_slug = :team) "
                        + "SELECT avg(first_response) AS fr_mean, percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response) AS fr_median, "
                        + "count(first_response) AS fr_count, avg(resolution) AS res_mean, "
                        + "percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution) AS res_median, count(resolution) AS res_count FROM d")
                .bind("team", team)
                .map(row -> List.of(
                        new Durations(row.get("fr_mean", Double.class), row.get("fr_median", Double.class), row.get("fr_count", Long.class)),
                        new Durations(row.get("res_mean", Double.class), row.get("res_median", Double.class), row.get("res_count", Long.class))))
                .one();
    }

    private static Map<String, Long> zeros(List<String> keys) {
        Map<String, Long> map = new LinkedHashMap<>();
        keys.forEach(key -> map.put(key, 0L));
        return map;
    }
}
