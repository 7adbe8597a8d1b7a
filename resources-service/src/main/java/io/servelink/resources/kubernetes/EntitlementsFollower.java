package io.servelink.resources.kubernetes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Follows the compacted entitlements topic (group {@value #CONSUMER}): each team's newest snapshot is stored in
 * {@code kubernetes_quotas} (an older or repeated version changes nothing) and, when stored, applied to the team's
 * namespace. A failure to reach Kubernetes never fails the batch (the resync job applies it later); a failure of the
 * database does, and the batch is read again.
 */
class EntitlementsFollower {

    static final String CONSUMER = "resources-service.kubernetes";
    private static final Logger log = LoggerFactory.getLogger(EntitlementsFollower.class);

    private final EventCodec codec;
    private final TeamQuotas quotas;
    private final QuotaReconciler reconciler;
    private final Clock clock;
    private final Counter stored;
    private final Counter stale;

    EntitlementsFollower(EventCodec codec, TeamQuotas quotas, QuotaReconciler reconciler, Clock clock, MeterRegistry registry) {
        this.codec = codec;
        this.quotas = quotas;
        this.reconciler = reconciler;
        this.clock = clock;
        this.stored = snapshots(registry, "stored");
        this.stale = snapshots(registry, "stale");
    }

    private static Counter snapshots(MeterRegistry registry, String outcome) {
        return Counter.builder("servelink.resources.kubernetes.snapshots")
                .description("Entitlement snapshots read by the Kubernetes reconciler: stored, or stale (an equal or newer version was stored)")
                .tag("outcome", outcome).register(registry);
    }

    Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, TeamQuota> newest = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TeamQuota quota = decode(record);
            if (quota == null) {
                continue;
            }
            TeamQuota before = newest.get(quota.teamSlug());
            if (before == null || before.version() < quota.version()) {
                newest.put(quota.teamSlug(), quota);
            } else {
                stale.increment();
            }
        }
        return Flux.fromIterable(newest.values()).concatMap(this::follow).then();
    }

    private Mono<Void> follow(TeamQuota quota) {
        return quotas.storeIfNewer(quota, clock.instant()).flatMap(isNewer -> {
            if (!isNewer) {
                stale.increment();
                log.debug("Ignoring entitlements version {} of team '{}': an equal or newer one is stored", quota.version(), quota.teamSlug());
                return Mono.empty();
            }
            stored.increment();
            return reconciler.reconcile(quota).then();
        });
    }

    private TeamQuota decode(ConsumerRecord<String, byte[]> record) {
        try {
            return TeamQuota.of(codec.decode(record.value(), EntitlementsChanged.class).payload());
        } catch (EventCodec.MalformedEventException e) {
            log.warn("Skipping unreadable entitlements record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return null;
        }
    }
}
