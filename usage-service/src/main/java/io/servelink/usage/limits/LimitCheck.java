package io.servelink.usage.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.usage.UsageMetric;
import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import io.servelink.starter.outbox.Outbox;
import io.servelink.usage.UsageChanged;
import io.servelink.usage.limits.ThresholdCrossings.Crossing;
import io.servelink.usage.limits.ThresholdCrossings.Key;
import io.servelink.usage.limits.ThresholdCrossings.ProjectUsage;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks teams' usage in the current UTC month against their limits: publishes each team's usage state when it
 * changed ({@link TeamUsageStates}: the state the gateway enforces, first, as it is the urgent part) and raises each
 * reached threshold once.
 * Exactly once across restarts, replicas and concurrent checks: the alert's row in {@code usage_alerts}
 * (unique per team, scope, metric, period and threshold) and its outbox row are written in one transaction, and
 * {@code INSERT ... ON CONFLICT DO NOTHING} decides which check gets to write them; the other writes nothing.
 */
@Component
public class LimitCheck {

    private static final int TEAMS_PER_ROUND = 500;

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Outbox outbox;
    private final TopicNames topics;
    private final TeamLimitsDirectory limits;
    private final AlertThresholds thresholds;
    private final TeamUsageStates states;
    private final Clock clock;
    private final Counter published;

    LimitCheck(DatabaseClient db, TransactionalOperator transactions, Outbox outbox, TopicNames topics, TeamLimitsDirectory limits,
               AlertThresholds thresholds, TeamUsageStates states, Clock clock, MeterRegistry registry) {
        this.db = db;
        this.transactions = transactions;
        this.outbox = outbox;
        this.topics = topics;
        this.limits = limits;
        this.thresholds = thresholds;
        this.states = states;
        this.clock = clock;
        this.published = Counter.builder("servelink.usage.alerts.published").description("Usage threshold alerts raised").register(registry);
    }

    /** What a check did. */
    public record Outcome(long teamsChecked, long alertsRaised, long statesPublished) {

        static final Outcome NONE = new Outcome(0, 0, 0);

        Outcome plus(Outcome other) {
            return new Outcome(teamsChecked + other.teamsChecked, alertsRaised + other.alertsRaised,
                    statesPublished + other.statesPublished);
        }
    }

    /** Every team that has a live project or usage this month. */
    public Mono<Outcome> checkAll() {
        YearMonth period = YearMonth.now(clock);
        return db.sql("SELECT DISTINCT p.team_slug FROM projects p LEFT JOIN project_usage u ON u.project_id = p.project_id "
                        + "AND u.year = :year AND u.month = :month WHERE p.deleted_at IS NULL OR u.project_id IS NOT NULL")
                .bind("year", period.getYear())
                .bind("month", period.getMonthValue())
                .map(row -> row.get("team_slug", String.class))
                .all()
                .buffer(TEAMS_PER_ROUND)
                .concatMap(teams -> checkTeams(Set.copyOf(teams), period))
                .reduce(Outcome.NONE, Outcome::plus);
    }

    /** The teams a change touched: those named and those owning the projects named. */
    public Mono<Outcome> check(UsageChanged change) {
        YearMonth period = YearMonth.now(clock);
        return teamsOf(change.projectIds())
                .map(teams -> {
                    Set<String> all = new HashSet<>(teams);
                    all.addAll(change.teamSlugs());
                    return all;
                })
                .flatMap(teams -> teams.isEmpty() ? Mono.just(Outcome.NONE) : checkTeams(teams, period));
    }

    private Mono<Set<String>> teamsOf(Set<String> projectIds) {
        if (projectIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        return db.sql("SELECT DISTINCT team_slug FROM projects WHERE project_id = ANY(CAST(:projects AS text[]))")
                .bind("projects", projectIds.toArray(String[]::new))
                .map(row -> row.get("team_slug", String.class))
                .all()
                .collect(Collectors.toSet());
    }

    private Mono<Outcome> checkTeams(Set<String> teams, YearMonth period) {
        return states.refresh(teams, period)
                .flatMap(statesPublished -> raiseAlerts(teams, period)
                        .map(raised -> new Outcome(teams.size(), raised, statesPublished)));
    }

    private Mono<Long> raiseAlerts(Set<String> teams, YearMonth period) {
        return Mono.zip(usageOf(teams, period), limits.of(teams), thresholds.effective(teams), alreadyRaised(teams, period))
                .map(t -> newCrossings(teams, t.getT1(), t.getT2(), t.getT3(), t.getT4()))
                .flatMapMany(crossings -> Flux.fromIterable(crossings.entrySet()))
                .concatMap(team -> raise(team.getValue(), period))
                .reduce(0L, Long::sum);
    }

    private static Map<String, List<Crossing>> newCrossings(Set<String> teams, Map<String, List<ProjectUsage>> usage,
                                                            Map<String, TeamLimits> limits, Map<String, ? extends java.util.SortedSet<Integer>> thresholds,
                                                            Set<Key> raised) {
        return teams.stream()
                .flatMap(team -> ThresholdCrossings.reached(limits.get(team), usage.getOrDefault(team, List.of()), thresholds.get(team)).stream())
                .filter(crossing -> !raised.contains(crossing.key()))
                .collect(Collectors.groupingBy(Crossing::teamSlug));
    }

    private Mono<Map<String, List<ProjectUsage>>> usageOf(Collection<String> teams, YearMonth period) {
        return db.sql("SELECT p.team_slug, p.project_id, coalesce(u.traffic_bytes, 0) AS traffic_bytes, "
                        + "coalesce(st.total_bytes, u.storage_bytes, 0) AS storage_bytes FROM projects p "
                        + "LEFT JOIN project_usage u ON u.project_id = p.project_id AND u.year = :year AND u.month = :month "
                        + "LEFT JOIN project_storage_status st ON st.project_id = p.project_id "
                        + "WHERE p.team_slug = ANY(CAST(:teams AS text[])) AND (p.deleted_at IS NULL OR u.project_id IS NOT NULL)")
                .bind("teams", teams.toArray(String[]::new))
                .bind("year", period.getYear())
                .bind("month", period.getMonthValue())
                .map(row -> Map.entry(row.get("team_slug", String.class), new ProjectUsage(row.get("project_id", String.class),
                        row.get("traffic_bytes", Long.class), row.get("storage_bytes", Long.class))))
                .all()
                .collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
                .map(multimap -> multimap.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue()))));
    }

    /** The alerts of the period already raised: most checks find nothing new and write nothing. */
    private Mono<Set<Key>> alreadyRaised(Collection<String> teams, YearMonth period) {
        return db.sql("SELECT team_slug, scope, metric, threshold_percent FROM usage_alerts "
                        + "WHERE period = :period AND team_slug = ANY(CAST(:teams AS text[]))")
                .bind("period", period.toString())
                .bind("teams", teams.toArray(String[]::new))
                .map(row -> new Key(row.get("team_slug", String.class), row.get("scope", String.class),
                        UsageMetric.fromWire(row.get("metric", String.class)).orElseThrow(), row.get("threshold_percent", Integer.class)))
                .all()
                .collect(Collectors.toSet());
    }

    /** One team's new crossings in one transaction; emits how many this check raised (others may have won). */
    private Mono<Long> raise(List<Crossing> crossings, YearMonth period) {
        return Flux.fromIterable(crossings)
                .concatMap(crossing -> raise(crossing, period))
                .reduce(0L, Long::sum)
                .as(transactions::transactional)
                .doOnNext(published::increment);
    }

    private Mono<Long> raise(Crossing crossing, YearMonth period) {
        UUID eventId = UUID.randomUUID();
        return db.sql("INSERT INTO usage_alerts (team_slug, scope, metric, period, threshold_percent, usage_bytes, limit_bytes, event_id, crossed_at) "
                        + "VALUES (:team, :scope, :metric, :period, :threshold, :usage, :limit, :eventId, :now) ON CONFLICT DO NOTHING")
                .bind("team", crossing.teamSlug())
                .bind("scope", crossing.scope())
                .bind("metric", crossing.metric().wire())
                .bind("period", period.toString())
                .bind("threshold", crossing.thresholdPercent())
                .bind("usage", crossing.usageBytes())
                .bind("limit", crossing.limitBytes())
                .bind("eventId", eventId)
                .bind("now", clock.instant())
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.just(0L) : publish(eventId, crossing, period).thenReturn(1L));
    }

    private Mono<Void> publish(UUID eventId, Crossing crossing, YearMonth period) {
        UsageThresholdCrossed event = new UsageThresholdCrossed(crossing.teamSlug(), crossing.projectIdOrNull(), crossing.metric(),
                crossing.thresholdPercent(), crossing.usageBytes(), crossing.limitBytes(), period.toString());
        return outbox.append(topics.usageAlerts(), crossing.teamSlug(), EventEnvelope.of(eventId, event, clock.instant()));
    }
}
