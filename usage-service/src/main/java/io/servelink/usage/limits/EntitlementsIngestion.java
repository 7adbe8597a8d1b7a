package io.servelink.usage.limits;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.usage.UsageChanged;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps {@code team_limits} at each team's latest entitlements snapshot from the compacted topic (limits, traffic
 * policy, the owner's hard cap). A snapshot
 * replaces the row only when its {@code version} is higher, so redelivery, replay from the beginning and
 * out-of-order snapshots leave the newest one in place (idempotent without a ledger). Teams whose limits
 * changed are checked against their usage after the commit. Tombstones are ignored: a team's limits fall back
 * to the defaults only through a snapshot saying so.
 */
final class EntitlementsIngestion implements KafkaBatchConsumer.BatchHandler {

    private static final Logger log = LoggerFactory.getLogger(EntitlementsIngestion.class);

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final EventCodec codec;
    private final Clock clock;
    private final Consumer<UsageChanged> afterCommit;

    EntitlementsIngestion(DatabaseClient db, TransactionalOperator transactions, EventCodec codec, Clock clock,
                          Consumer<UsageChanged> afterCommit) {
        this.db = db;
        this.transactions = transactions;
        this.codec = codec;
        this.clock = clock;
        this.afterCommit = afterCommit;
    }

    @Override
    public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, EntitlementsChanged> latest = latestPerTeam(records);
        if (latest.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(latest.values())
                .concatMap(this::upsert)
                .collect(Collectors.toSet())
                .as(transactions::transactional)
                .doOnNext(this::signal)
                .then();
    }

    private Map<String, EntitlementsChanged> latestPerTeam(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, EntitlementsChanged> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            try {
                EntitlementsChanged snapshot = codec.decode(record.value(), EntitlementsChanged.class).payload();
                if (snapshot.teamSlug() == null || snapshot.limits() == null) {
                    log.warn("Skipping entitlements record without team or limits at {}-{}@{}", record.topic(), record.partition(), record.offset());
                    continue;
                }
                latest.merge(snapshot.teamSlug(), snapshot, (a, b) -> a.version() >= b.version() ? a : b);
            } catch (EventCodec.MalformedEventException e) {
                log.warn("Skipping malformed entitlements record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
        return latest;
    }

    /** Emits the team when its row changed. */
    private Mono<String> upsert(EntitlementsChanged snapshot) {
        return db.sql("INSERT INTO team_limits (team_slug, plan, traffic_bytes_per_month, storage_bytes, valid_until, version, updated_at, "
                        + "traffic_policy, traffic_hard_cap_percent) "
                        + "VALUES (:team, :plan, :traffic, :storage, :validUntil, :version, :now, :policy, :hardCap) "
                        + "ON CONFLICT (team_slug) DO UPDATE SET plan = EXCLUDED.plan, "
                        + "traffic_bytes_per_month = EXCLUDED.traffic_bytes_per_month, storage_bytes = EXCLUDED.storage_bytes, "
                        + "valid_until = EXCLUDED.valid_until, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, "
                        + "traffic_policy = EXCLUDED.traffic_policy, traffic_hard_cap_percent = EXCLUDED.traffic_hard_cap_percent "
                        + "WHERE team_limits.version < EXCLUDED.version")
                .bind("team", snapshot.teamSlug())
                .bind("plan", snapshot.plan() == null ? "unknown" : snapshot.plan())
                .bind("traffic", snapshot.limits().trafficBytesPerMonth())
                .bind("storage", snapshot.limits().storageBytes())
                .bind("validUntil", Parameter.fromOrEmpty(snapshot.validUntil(), Instant.class))
                .bind("version", snapshot.version())
                .bind("now", clock.instant())
                .bind("policy", snapshot.trafficPolicy().wire())
                .bind("hardCap", Parameter.fromOrEmpty(snapshot.trafficHardCapPercent(), Integer.class))
                .fetch().rowsUpdated()
                .filter(rows -> rows > 0)
                .map(rows -> snapshot.teamSlug());
    }

    private void signal(Set<String> teams) {
        if (!teams.isEmpty()) {
            afterCommit.accept(new UsageChanged(Set.of(), teams));
        }
    }
}
