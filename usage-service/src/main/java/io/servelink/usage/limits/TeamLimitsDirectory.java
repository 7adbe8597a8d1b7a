package io.servelink.usage.limits;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Each team's effective limits: its latest entitlements snapshot, or the Free defaults. */
@Component
public class TeamLimitsDirectory {

    private final DatabaseClient db;
    private final DefaultLimits defaults;

    TeamLimitsDirectory(DatabaseClient db, DefaultLimits defaults) {
        this.db = db;
        this.defaults = defaults;
    }

    public Mono<TeamLimits> of(String teamSlug) {
        return db.sql("SELECT team_slug, plan, traffic_bytes_per_month, storage_bytes, version FROM team_limits WHERE team_slug = :team")
                .bind("team", teamSlug)
                .map(row -> new TeamLimits(row.get("team_slug", String.class), row.get("plan", String.class),
                        row.get("traffic_bytes_per_month", Long.class), row.get("storage_bytes", Long.class),
                        row.get("version", Long.class), false))
                .one()
                .defaultIfEmpty(defaults.of(teamSlug));
    }

    /** The limits of every team named, defaults filled in. */
    Mono<Map<String, TeamLimits>> of(Collection<String> teamSlugs) {
        return db.sql("SELECT team_slug, plan, traffic_bytes_per_month, storage_bytes, version FROM team_limits "
                        + "WHERE team_slug = ANY(CAST(:teams AS text[]))")
                .bind("teams", teamSlugs.toArray(String[]::new))
                .map(row -> new TeamLimits(row.get("team_slug", String.class), row.get("plan", String.class),
                        row.get("traffic_bytes_per_month", Long.class), row.get("storage_bytes", Long.class),
                        row.get("version", Long.class), false))
                .all()
                .collectMap(TeamLimits::teamSlug)
                .map(found -> {
                    Map<String, TeamLimits> all = new HashMap<>(found);
                    teamSlugs.forEach(team -> all.computeIfAbsent(team, defaults::of));
                    return all;
                });
    }
}
