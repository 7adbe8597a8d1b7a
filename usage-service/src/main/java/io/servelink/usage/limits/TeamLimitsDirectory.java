package io.servelink.usage.limits;

import io.r2dbc.spi.Readable;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Each team's effective limits and traffic policy: its latest entitlements snapshot, or the Free defaults. */
@Component
public class TeamLimitsDirectory {

    private final DatabaseClient db;
    private final DefaultLimitsSettings defaults;

    TeamLimitsDirectory(DatabaseClient db, DefaultLimitsSettings defaults) {
        this.db = db;
        this.defaults = defaults;
    }

    /**
     * The columns {@link #of(Readable, String)} reads, for a query that joins {@code team_limits l} to rows of its
     * own (a team's usage and its limits in one round trip).
     */
    public static final String COLUMNS = "l.plan AS limits_plan, l.traffic_bytes_per_month AS limits_traffic_bytes_per_month, "
            + "l.storage_bytes AS limits_storage_bytes, l.version AS limits_version, l.traffic_policy AS limits_traffic_policy, "
            + "l.traffic_hard_cap_percent AS limits_traffic_hard_cap_percent";

    public Mono<TeamLimits> of(String teamSlug) {
        return db.sql("SELECT " + COLUMNS + " FROM team_limits l WHERE l.team_slug = :team")
                .bind("team", teamSlug)
                .map(row -> of(row, teamSlug))
                .one()
                .defaultIfEmpty(defaults.of(teamSlug));
    }

    /** The team's limits from a row carrying {@link #COLUMNS}; the defaults when the join found no snapshot. */
    public TeamLimits of(Readable row, String teamSlug) {
        String plan = row.get("limits_plan", String.class);
        if (plan == null) {
            return defaults.of(teamSlug);
        }
        return new TeamLimits(teamSlug, plan, row.get("limits_traffic_bytes_per_month", Long.class),
                row.get("limits_storage_bytes", Long.class), row.get("limits_version", Long.class), false,
                TrafficPolicy.fromWire(row.get("limits_traffic_policy", String.class)).orElse(null),
                row.get("limits_traffic_hard_cap_percent", Integer.class));
    }

    /** The limits of every team named, defaults filled in. */
    Mono<Map<String, TeamLimits>> of(Collection<String> teamSlugs) {
        return db.sql("SELECT l.team_slug, " + COLUMNS + " FROM team_limits l WHERE l.team_slug = ANY(CAST(:teams AS text[]))")
                .bind("teams", teamSlugs.toArray(String[]::new))
                .map(row -> of(row, row.get("team_slug", String.class)))
                .all()
                .collectMap(TeamLimits::teamSlug)
                .map(found -> {
                    Map<String, TeamLimits> all = new HashMap<>(found);
                    teamSlugs.forEach(team -> all.computeIfAbsent(team, defaults::of));
                    return all;
                });
    }
}
