package io.servelink.usage.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.starter.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Each team's {@link TeamUsageState} on {@code servelink.team-usage-state.v1}: its month's traffic and storage against
 * its limits and traffic policy, and whether its projects stop being served. A state is published when what it decides
 * changes (blocked or not, storage over its limit, a limit, the policy or stop percent, the month) and, for its byte
 * figures alone, at most once per {@code servelink.usage.limits.state-refresh-interval}.
 *
 * <p>Replicas and concurrent checks agree through {@code team_usage_state}: a refresh locks the teams' rows (in slug
 * order), then reads usage and limits, so a later holder of a team's lock always reads data at least as new as an
 * earlier one; an {@code UPDATE ... WHERE <differs>} takes the next version only when the state differs from the last
 * one published, and the outbox row is written in that transaction. Two checks of the same data publish one state; a
 * team's versions increase with what was published, and a check never publishes an earlier month than the last.
 */
@Component
class TeamUsageStates {

    private static final String TEAM_TOTALS = "SELECT p.team_slug, "
            + "CAST(coalesce(sum(u.traffic_bytes), 0) AS bigint) AS traffic_bytes, "
            + "CAST(coalesce(sum(coalesce(st.total_bytes, u.storage_bytes)), 0) AS bigint) AS storage_bytes FROM projects p "
            + "LEFT JOIN project_usage u ON u.project_id = p.project_id AND u.year = :year AND u.month = :month "
            + "LEFT JOIN project_storage_status st ON st.project_id = p.project_id ";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Outbox outbox;
    private final TopicNames topics;
    private final TeamLimitsDirectory limits;
    private final LimitsSettings settings;
    private final Clock clock;
    private final Counter published;

    TeamUsageStates(DatabaseClient db, TransactionalOperator transactions, Outbox outbox, TopicNames topics, TeamLimitsDirectory limits,
                    LimitsSettings settings, Clock clock, MeterRegistry registry) {
        this.db = db;
        this.transactions = transactions;
        this.outbox = outbox;
        this.topics = topics;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
        this.published = Counter.builder("servelink.usage.team_states.published")
                .description("Team usage states published (servelink.team-usage-state.v1)").register(registry);
    }

    /** A team's usage in a month. */
    record Totals(long trafficBytes, long storageBytes) {
        static final Totals NONE = new Totals(0, 0);
    }

    /**
     * Computes the teams' states for {@code period} and publishes those that changed, in one transaction; emits how
     * many were published.
     */
    Mono<Long> refresh(Collection<String> teamSlugs, YearMonth period) {
        if (teamSlugs.isEmpty()) {
            return Mono.just(0L);
        }
        String[] teams = teamSlugs.stream().distinct().sorted().toArray(String[]::new);
        return Mono.defer(() -> {
                    Instant now = clock.instant();
                    return lock(teams)
                            .then(totals(teams, period))
                            .flatMap(totals -> limits.of(Set.of(teams)).map(found -> states(teams, period, totals, found, now)))
                            .flatMapMany(Flux::fromIterable)
                            .concatMap(state -> publishIfChanged(state, now))
                            .count();
                })
                .as(transactions::transactional)
                .doOnNext(published::increment);
    }

    /**
     * Teams whose published state may be out of date: of an earlier month, never published, with byte figures or limits
     * that moved since. The periodic job refreshes them (which publishes only what the rules allow).
     */
    Flux<String> due(YearMonth period) {
        return db.sql("SELECT s.team_slug FROM team_usage_state s WHERE s.period <> :period OR s.version = 0 "
                        + "UNION SELECT l.team_slug FROM team_limits l JOIN team_usage_state s ON s.team_slug = l.team_slug "
                        + "WHERE l.updated_at > s.computed_at "
                        + "UNION SELECT t.team_slug FROM (" + TEAM_TOTALS + "WHERE p.deleted_at IS NULL OR u.project_id IS NOT NULL "
                        + "GROUP BY p.team_slug) t LEFT JOIN team_usage_state s ON s.team_slug = t.team_slug "
                        + "WHERE s.team_slug IS NULL OR s.traffic_bytes <> t.traffic_bytes OR s.storage_bytes <> t.storage_bytes "
                        + "ORDER BY 1")
                .bind("period", period.toString())
                .bind("year", period.getYear())
                .bind("month", period.getMonthValue())
                .map(row -> row.get("team_slug", String.class))
                .all();
    }

    /** Creates the teams' rows when missing and locks them all, in slug order, until the transaction ends. */
    private Mono<Void> lock(String[] teams) {
        return db.sql("INSERT INTO team_usage_state (team_slug) SELECT t FROM unnest(CAST(:teams AS text[])) AS t ORDER BY t "
                        + "ON CONFLICT (team_slug) DO NOTHING")
                .bind("teams", teams)
                .fetch().rowsUpdated()
                .thenMany(db.sql("SELECT team_slug FROM team_usage_state WHERE team_slug = ANY(CAST(:teams AS text[])) "
                                + "ORDER BY team_slug FOR UPDATE")
                        .bind("teams", teams)
                        .map(row -> row.get("team_slug", String.class))
                        .all())
                .then();
    }

    private Mono<Map<String, Totals>> totals(String[] teams, YearMonth period) {
        return db.sql(TEAM_TOTALS + "WHERE p.team_slug = ANY(CAST(:teams AS text[])) AND (p.deleted_at IS NULL OR u.project_id IS NOT NULL) "
                        + "GROUP BY p.team_slug")
                .bind("teams", teams)
                .bind("year", period.getYear())
                .bind("month", period.getMonthValue())
                .map(row -> Map.entry(row.get("team_slug", String.class),
                        new Totals(row.get("traffic_bytes", Long.class), row.get("storage_bytes", Long.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private static java.util.List<TeamUsageState> states(String[] teams, YearMonth period, Map<String, Totals> totals,
                                                        Map<String, TeamLimits> limits, Instant now) {
        return java.util.Arrays.stream(teams)
                .map(team -> state(period, totals.getOrDefault(team, Totals.NONE), limits.get(team), now))
                .collect(Collectors.toList());
    }

    /** The state the rules give; its version is taken when it is published. */
    static TeamUsageState state(YearMonth period, Totals totals, TeamLimits limits, Instant now) {
        return new TeamUsageState(limits.teamSlug(), period.toString(), limits.plan(), limits.trafficPolicy(), limits.trafficStopPercent(),
                totals.trafficBytes(), limits.trafficBytesPerMonth(), limits.trafficBlockedAt(totals.trafficBytes()),
                totals.storageBytes(), limits.storageBytes(), limits.storageOverLimitAt(totals.storageBytes()), now, 0);
    }

    /**
     * Takes the team's next version when the state differs from the last one published (or only its byte figures do,
     * and they are older than the refresh interval), and appends it to the outbox; emits nothing otherwise.
     */
    private Mono<TeamUsageState> publishIfChanged(TeamUsageState state, Instant now) {
        return db.sql("UPDATE team_usage_state SET period = :period, plan = :plan, traffic_policy = :policy, traffic_stop_percent = :stop, "
                        + "traffic_bytes = :traffic, traffic_limit_bytes = :trafficLimit, traffic_blocked = :blocked, "
                        + "storage_bytes = :storage, storage_limit_bytes = :storageLimit, storage_over_limit = :storageOver, "
                        + "computed_at = :now, version = version + 1 "
                        + "WHERE team_slug = :team AND period <= :period AND (version = 0 "
                        + "OR (period, plan, traffic_policy, traffic_stop_percent, traffic_limit_bytes, traffic_blocked, storage_limit_bytes, "
                        + "storage_over_limit) IS DISTINCT FROM (CAST(:period AS varchar), CAST(:plan AS varchar), CAST(:policy AS varchar), "
                        + "CAST(:stop AS int), CAST(:trafficLimit AS bigint), CAST(:blocked AS boolean), CAST(:storageLimit AS bigint), "
                        + "CAST(:storageOver AS boolean)) "
                        + "OR ((traffic_bytes <> :traffic OR storage_bytes <> :storage) AND computed_at <= :refreshBefore)) "
                        + "RETURNING version")
                .bind("team", state.teamSlug())
                .bind("period", state.period())
                .bind("plan", state.plan())
                .bind("policy", state.trafficPolicy().wire())
                .bind("stop", Parameter.fromOrEmpty(state.trafficStopPercent(), Integer.class))
                .bind("traffic", state.trafficBytes())
                .bind("trafficLimit", state.trafficLimitBytes())
                .bind("blocked", state.trafficBlocked())
                .bind("storage", state.storageBytes())
                .bind("storageLimit", state.storageLimitBytes())
                .bind("storageOver", state.storageOverLimit())
                .bind("now", now)
                .bind("refreshBefore", now.minus(settings.stateRefreshInterval()))
                .map(row -> row.get("version", Long.class))
                .one()
                .map(version -> withVersion(state, version))
                .flatMap(versioned -> outbox.append(topics.teamUsageState(), versioned.teamSlug(), EventEnvelope.of(versioned, now))
                        .thenReturn(versioned));
    }

    private static TeamUsageState withVersion(TeamUsageState state, long version) {
        return new TeamUsageState(state.teamSlug(), state.period(), state.plan(), state.trafficPolicy(), state.trafficStopPercent(),
                state.trafficBytes(), state.trafficLimitBytes(), state.trafficBlocked(), state.storageBytes(), state.storageLimitBytes(),
                state.storageOverLimit(), state.computedAt(), version);
    }
}
