package io.servelink.resources.kubernetes;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code kubernetes_quotas} table: each team's newest entitlements snapshot as the reconciler read it from the
 * topic (highest version wins), and the version last applied to the team's namespace.
 */
class TeamQuotas {

    private static final String COLUMNS = "team_slug, version, ram_mb, cpu_cores, storage_bytes";

    private final DatabaseClient db;

    TeamQuotas(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Stores the snapshot unless the same or a newer version is stored already: true when stored. Idempotent under
     * redelivery, and an older snapshot read late changes nothing.
     */
    Mono<Boolean> storeIfNewer(TeamQuota quota, Instant now) {
        return db.sql("INSERT INTO kubernetes_quotas (" + COLUMNS + ", updated_at) "
                        + "VALUES (:team, :version, :ram, :cpu, :storage, :now) "
                        + "ON CONFLICT (team_slug) DO UPDATE SET version = EXCLUDED.version, ram_mb = EXCLUDED.ram_mb, "
                        + "cpu_cores = EXCLUDED.cpu_cores, storage_bytes = EXCLUDED.storage_bytes, updated_at = EXCLUDED.updated_at "
                        + "WHERE kubernetes_quotas.version < EXCLUDED.version")
                .bind("team", quota.teamSlug())
                .bind("version", quota.version())
                .bind("ram", quota.ramMb())
                .bind("cpu", quota.cpuCores())
                .bind("storage", quota.storageBytes())
                .bind("now", now)
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** The team's stored snapshot. */
    Mono<TeamQuota> find(String teamSlug) {
        return db.sql("SELECT " + COLUMNS + " FROM kubernetes_quotas WHERE team_slug = :team")
                .bind("team", teamSlug)
                .map(TeamQuotas::quota).one();
    }

    /** Every stored snapshot, by team. */
    Flux<TeamQuota> all() {
        return db.sql("SELECT " + COLUMNS + " FROM kubernetes_quotas ORDER BY team_slug").map(TeamQuotas::quota).all();
    }

    /** Notes that this version reached the namespace (a newer one stored meanwhile keeps its own, higher number). */
    Mono<Void> markApplied(String teamSlug, long version, Instant now) {
        return db.sql("UPDATE kubernetes_quotas SET applied_version = :version, applied_at = :now "
                        + "WHERE team_slug = :team AND (applied_version IS NULL OR applied_version <= :version)")
                .bind("team", teamSlug)
                .bind("version", version)
                .bind("now", now)
                .fetch().rowsUpdated().then();
    }

    private static TeamQuota quota(Readable row) {
        return new TeamQuota(row.get("team_slug", String.class), row.get("version", Long.class), row.get("ram_mb", Long.class),
                row.get("cpu_cores", Integer.class), row.get("storage_bytes", Long.class));
    }
}
