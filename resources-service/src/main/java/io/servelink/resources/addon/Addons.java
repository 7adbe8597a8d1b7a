package io.servelink.resources.addon;

import io.r2dbc.spi.Readable;
import io.servelink.resources.catalog.Allowance;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code addons} table. Writers hold the team's row lock (see {@code Teams.lock}). */
@Component
public class Addons {

    private static final String COLUMNS = "id, team_slug, resource_type, quantity, traffic_bytes, storage_bytes, ram_mb, "
            + "cpu_cores, unit_price_minor, currency, status, auto_renew, payment_method, phone, payment_id, activated_at, "
            + "expires_at, renewal_payment_id, renewal_requested_at, renewal_next_action::text AS renewal_next_action, created_at";

    private final DatabaseClient db;

    Addons(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Addon addon, Instant now) {
        GenericExecuteSpec spec = db.sql("INSERT INTO addons (id, team_slug, resource_type, quantity, traffic_bytes, storage_bytes, "
                        + "ram_mb, cpu_cores, unit_price_minor, currency, status, auto_renew, payment_method, phone, created_at, updated_at) "
                        + "VALUES (:id, :team, :type, :quantity, :traffic, :storage, :ram, :cpu, :price, :currency, :status, "
                        + ":autoRenew, :method, :phone, :now, :now)")
                .bind("id", addon.id())
                .bind("team", addon.teamSlug())
                .bind("type", addon.resourceType())
                .bind("quantity", addon.quantity())
                .bind("traffic", addon.allowance().trafficBytes())
                .bind("storage", addon.allowance().storageBytes())
                .bind("ram", addon.allowance().ramMb())
                .bind("cpu", addon.allowance().cpuCores())
                .bind("price", addon.unitPriceMinor())
                .bind("currency", addon.currency())
                .bind("status", addon.status().wire())
                .bind("autoRenew", addon.autoRenew())
                .bind("method", addon.paymentMethod())
                .bind("now", now);
        return nullable(spec, "phone", addon.phone(), String.class).fetch().rowsUpdated().then();
    }

    /** Stores the mutable part of an add-on (its state, payments and dates). */
    public Mono<Void> update(Addon addon, Instant now) {
        Addon.Renewal renewal = addon.renewal();
        GenericExecuteSpec spec = db.sql("UPDATE addons SET status = :status, auto_renew = :autoRenew, payment_id = :paymentId, "
                        + "activated_at = :activatedAt, expires_at = :expiresAt, renewal_payment_id = :renewalPaymentId, "
                        + "renewal_requested_at = :renewalRequestedAt, renewal_next_action = CAST(:renewalNextAction AS jsonb), "
                        + "updated_at = :now WHERE id = :id")
                .bind("id", addon.id())
                .bind("status", addon.status().wire())
                .bind("autoRenew", addon.autoRenew())
                .bind("now", now);
        spec = nullable(spec, "paymentId", addon.paymentId(), String.class);
        spec = nullable(spec, "activatedAt", addon.activatedAt(), Instant.class);
        spec = nullable(spec, "expiresAt", addon.expiresAt(), Instant.class);
        spec = nullable(spec, "renewalPaymentId", renewal == null ? null : renewal.paymentId(), String.class);
        spec = nullable(spec, "renewalRequestedAt", renewal == null ? null : renewal.requestedAt(), Instant.class);
        spec = nullable(spec, "renewalNextAction", renewal == null ? null : renewal.nextActionJson(), String.class);
        return spec.fetch().rowsUpdated().then();
    }

    /** The add-on with this id if it belongs to this team; another team's add-on looks absent. */
    public Mono<Addon> find(String teamSlug, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM addons WHERE id = :id AND team_slug = :team")
                .bind("id", id)
                .bind("team", teamSlug)
                .map((row, meta) -> addon(row)).one();
    }

    /** The team's add-ons, newest first. */
    public Flux<Addon> ofTeam(String teamSlug) {
        return db.sql("SELECT " + COLUMNS + " FROM addons WHERE team_slug = :team ORDER BY created_at DESC, id")
                .bind("team", teamSlug)
                .map((row, meta) -> addon(row)).all();
    }

    public Flux<Addon> activeOfTeam(String teamSlug) {
        return db.sql("SELECT " + COLUMNS + " FROM addons WHERE team_slug = :team AND status = 'active' ORDER BY created_at, id")
                .bind("team", teamSlug)
                .map((row, meta) -> addon(row)).all();
    }

    /** Teams with an active add-on whose time is up. */
    public Flux<String> teamsWithExpiredAddons(Instant now) {
        return db.sql("SELECT DISTINCT team_slug FROM addons WHERE status = 'active' AND expires_at <= :now ORDER BY team_slug")
                .bind("now", now)
                .map((row, meta) -> row.get("team_slug", String.class)).all();
    }

    /** Active add-ons with renewal on and no renewal in flight that end before {@code endsBefore}, of Pro teams. */
    public Flux<Addon> renewalCandidates(Instant endsBefore) {
        return db.sql("SELECT " + COLUMNS + " FROM addons "
                        + "WHERE status = 'active' AND auto_renew AND renewal_payment_id IS NULL AND expires_at <= :before "
                        + "AND EXISTS (SELECT 1 FROM teams t WHERE t.slug = addons.team_slug AND t.plan = 'pro') ORDER BY expires_at, id")
                .bind("before", endsBefore)
                .map((row, meta) -> addon(row)).all();
    }

    private static <T> GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private static Addon addon(Readable row) {
        String renewalPaymentId = row.get("renewal_payment_id", String.class);
        Addon.Renewal renewal = renewalPaymentId == null ? null : new Addon.Renewal(renewalPaymentId,
                row.get("renewal_requested_at", Instant.class), row.get("renewal_next_action", String.class));
        return new Addon(row.get("id", UUID.class), row.get("team_slug", String.class), row.get("resource_type", String.class),
                row.get("quantity", Integer.class),
                new Allowance(row.get("traffic_bytes", Long.class), row.get("storage_bytes", Long.class),
                        row.get("ram_mb", Long.class), row.get("cpu_cores", Integer.class)),
                row.get("unit_price_minor", Long.class), row.get("currency", String.class).strip(),
                AddonStatus.fromWire(row.get("status", String.class)).orElseThrow(), row.get("auto_renew", Boolean.class),
                row.get("payment_method", String.class), row.get("phone", String.class), row.get("payment_id", String.class),
                row.get("activated_at", Instant.class), row.get("expires_at", Instant.class), renewal,
                row.get("created_at", Instant.class));
    }
}
