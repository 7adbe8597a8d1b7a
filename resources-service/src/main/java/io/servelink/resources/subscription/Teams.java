package io.servelink.resources.subscription;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code teams} table. Every write transaction about a team starts with {@link #lock}: the row lock
 * serialises purchases, cancels, payment events and jobs of the same team, so none of them works on stale state
 * and the entitlements versions follow each other without gaps.
 */
@Component
public class Teams {

    private final DatabaseClient db;

    Teams(DatabaseClient db) {
        this.db = db;
    }

    /** The team's subscription; a team the database does not know is on Free. */
    public Mono<Subscription> find(String teamSlug) {
        return db.sql("SELECT slug, plan, pro_valid_until, entitlements_version, traffic_hard_cap_percent FROM teams WHERE slug = :slug")
                .bind("slug", teamSlug)
                .map((row, meta) -> subscription(row)).one()
                .defaultIfEmpty(Subscription.free(teamSlug));
    }

    /** Creates the team's row when missing (on Free) and locks it until the surrounding transaction ends. */
    public Mono<Subscription> lock(String teamSlug, Instant now) {
        return db.sql("INSERT INTO teams (slug, plan, entitlements_version, created_at, updated_at) "
                        + "VALUES (:slug, 'free', 0, :now, :now) ON CONFLICT (slug) DO NOTHING")
                .bind("slug", teamSlug)
                .bind("now", now)
                .fetch().rowsUpdated()
                .then(db.sql("SELECT slug, plan, pro_valid_until, entitlements_version, traffic_hard_cap_percent FROM teams WHERE slug = :slug FOR UPDATE")
                        .bind("slug", teamSlug)
                        .map((row, meta) -> subscription(row)).one());
    }

    /** Stores the plan and its end (the version is the entitlements publisher's business). */
    public Mono<Void> save(Subscription subscription, Instant now) {
        var spec = db.sql("UPDATE teams SET plan = :plan, pro_valid_until = :until, updated_at = :now WHERE slug = :slug")
                .bind("plan", subscription.plan())
                .bind("now", now)
                .bind("slug", subscription.teamSlug());
        spec = subscription.proValidUntil() == null ? spec.bindNull("until", Instant.class) : spec.bind("until", subscription.proValidUntil());
        return spec.fetch().rowsUpdated().then();
    }

    /** Stores the owner's traffic hard cap in percent of the limit (null: none) of a locked team. */
    public Mono<Void> saveTrafficHardCap(String teamSlug, Integer percent, Instant now) {
        return db.sql("UPDATE teams SET traffic_hard_cap_percent = :percent, updated_at = :now WHERE slug = :slug")
                .bind("percent", Parameter.fromOrEmpty(percent, Integer.class))
                .bind("now", now)
                .bind("slug", teamSlug)
                .fetch().rowsUpdated().then();
    }

    /** Takes the next entitlements version of a locked team. */
    public Mono<Long> nextVersion(String teamSlug) {
        return db.sql("UPDATE teams SET entitlements_version = entitlements_version + 1 WHERE slug = :slug RETURNING entitlements_version")
                .bind("slug", teamSlug)
                .map((row, meta) -> row.get("entitlements_version", Long.class)).one();
    }

    /** Pro teams whose period ended before {@code endedBefore} (candidates for the lapse check). */
    public Flux<String> proEndedBefore(Instant endedBefore) {
        return db.sql("SELECT slug FROM teams WHERE plan = 'pro' AND pro_valid_until <= :before ORDER BY slug")
                .bind("before", endedBefore)
                .map((row, meta) -> row.get("slug", String.class)).all();
    }

    private static Subscription subscription(Readable row) {
        return new Subscription(row.get("slug", String.class), row.get("plan", String.class),
                row.get("pro_valid_until", Instant.class), row.get("entitlements_version", Long.class),
                row.get("traffic_hard_cap_percent", Integer.class));
    }
}
