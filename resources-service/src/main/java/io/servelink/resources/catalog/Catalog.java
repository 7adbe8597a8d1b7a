package io.servelink.resources.catalog;

import io.r2dbc.spi.Readable;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The plans and add-ons on sale, read from the {@code plans} and {@code addon_types} tables on every call, so an
 * operator changes prices or limits with an UPDATE (or a Liquibase change) and no release.
 */
@Component
public class Catalog {

    private static final String ALLOWANCE = "traffic_bytes, storage_bytes, ram_mb, cpu_cores, price_minor, currency";

    private final DatabaseClient db;

    Catalog(DatabaseClient db) {
        this.db = db;
    }

    public Flux<Plan> plans() {
        return db.sql("SELECT id, name, traffic_policy, " + ALLOWANCE + " FROM plans ORDER BY price_minor, id")
                .map((row, meta) -> plan(row)).all();
    }

    /** The plan with this id; a missing plan is a broken catalog, not a client error. */
    public Mono<Plan> plan(String id) {
        return db.sql("SELECT id, name, traffic_policy, " + ALLOWANCE + " FROM plans WHERE id = :id").bind("id", id)
                .map((row, meta) -> plan(row)).one()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("Plan '" + id + "' is missing from the catalog")));
    }

    public Flux<AddonType> addonTypes() {
        return db.sql("SELECT id, name, " + ALLOWANCE + " FROM addon_types WHERE on_sale ORDER BY id")
                .map((row, meta) -> addonType(row)).all();
    }

    /** The add-on on sale with this id, or empty. */
    public Mono<AddonType> addonType(String id) {
        return db.sql("SELECT id, name, " + ALLOWANCE + " FROM addon_types WHERE on_sale AND id = :id").bind("id", id)
                .map((row, meta) -> addonType(row)).one();
    }

    private static Plan plan(Readable row) {
        return new Plan(row.get("id", String.class), row.get("name", String.class), allowance(row),
                row.get("price_minor", Long.class), row.get("currency", String.class).strip(), trafficPolicy(row));
    }

    /** A policy the code does not know is a broken catalog (the column's check constraint lists the known ones). */
    private static TrafficPolicy trafficPolicy(Readable row) {
        String wire = row.get("traffic_policy", String.class);
        return TrafficPolicy.fromWire(wire)
                .orElseThrow(() -> new IllegalStateException("Plan '" + row.get("id", String.class) + "' has an unknown traffic policy '" + wire + "'"));
    }

    private static AddonType addonType(Readable row) {
        return new AddonType(row.get("id", String.class), row.get("name", String.class), allowance(row),
                row.get("price_minor", Long.class), row.get("currency", String.class).strip());
    }

    private static Allowance allowance(Readable row) {
        return new Allowance(row.get("traffic_bytes", Long.class), row.get("storage_bytes", Long.class),
                row.get("ram_mb", Long.class), row.get("cpu_cores", Integer.class));
    }
}
