package io.servelink.support.entitlements;

import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each team's plan as the newest entitlement snapshot says ({@code servelink.entitlements.v1}, highest version wins).
 * A team never seen is on Free.
 */
@Component
public class TeamPlans {

    public static final String FREE = "free";
    public static final String PRO = "pro";

    private final DatabaseClient db;

    TeamPlans(DatabaseClient db) {
        this.db = db;
    }

    public Mono<String> planOf(String teamSlug) {
        return db.sql("SELECT plan FROM team_entitlements WHERE team_slug = :team")
                .bind("team", teamSlug)
                .map(row -> row.get("plan", String.class))
                .one()
                .defaultIfEmpty(FREE);
    }

    /** Stores the snapshot unless a newer (or the same) version is stored already; idempotent under redelivery. */
    Mono<Boolean> apply(EntitlementsChanged snapshot) {
        return db.sql("INSERT INTO team_entitlements (team_slug, plan, version, updated_at) VALUES (:team, :plan, :version, now()) "
                        + "ON CONFLICT (team_slug) DO UPDATE SET plan = EXCLUDED.plan, version = EXCLUDED.version, updated_at = now() "
                        + "WHERE team_entitlements.version < EXCLUDED.version")
                .bind("team", snapshot.teamSlug())
                .bind("plan", snapshot.isPro() ? PRO : FREE)
                .bind("version", snapshot.version())
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }
}
