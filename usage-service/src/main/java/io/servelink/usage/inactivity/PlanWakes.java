package io.servelink.usage.inactivity;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.activity.ProjectWoken.WokenBy;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.kafka.EventRecords;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.outbox.ProcessedEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wakes the sleeping projects of a team that became Pro: Pro projects never sleep. Reads the entitlements topic in a
 * consumer group of its own ({@value #CONSUMER}, beside the one that keeps {@code team_limits}); each snapshot's event id
 * is recorded in {@code processed_events} in the transaction of the wakes, so a redelivered snapshot wakes nothing
 * again. A Pro snapshot wakes whatever of the team sleeps then ({@link ProjectSleeps#wakeTeam}, by {@code plan}); a Free
 * one does nothing, and so does a snapshot a later one of the same team in the batch replaces.
 */
final class PlanWakes implements KafkaBatchConsumer.BatchHandler {

    static final String CONSUMER = "usage-service.plan-wakes";
    /** Who the audit trail names for a wake by plan: the service whose entitlements caused it. */
    static final String ACTOR = "resources-service";

    private final ProcessedEvents processed;
    private final ProjectSleeps sleeps;
    private final TransactionalOperator transactions;
    private final EventCodec codec;
    private final Clock clock;

    PlanWakes(ProcessedEvents processed, ProjectSleeps sleeps, TransactionalOperator transactions, EventCodec codec, Clock clock) {
        this.processed = processed;
        this.sleeps = sleeps;
        this.transactions = transactions;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        List<EventEnvelope<EntitlementsChanged>> snapshots = EventRecords.decode(codec, records, EntitlementsChanged.class).stream()
                .filter(snapshot -> snapshot.payload().teamSlug() != null)
                .toList();
        if (snapshots.isEmpty()) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        Map<String, Long> latest = new HashMap<>();
        snapshots.forEach(snapshot -> latest.merge(snapshot.payload().teamSlug(), snapshot.payload().version(), Math::max));
        return Flux.fromIterable(snapshots)
                .concatMap(snapshot -> processed.firstDelivery(CONSUMER, snapshot.eventId())
                        .filter(first -> first && snapshot.payload().isPro()
                                && snapshot.payload().version() == latest.get(snapshot.payload().teamSlug()))
                        .flatMapMany(first -> sleeps.wakeTeam(snapshot.payload().teamSlug(), waker(snapshot.payload()), now)))
                .then()
                .as(transactions::transactional);
    }

    private static ProjectSleeps.Waker waker(EntitlementsChanged snapshot) {
        return new ProjectSleeps.Waker(WokenBy.PLAN, ACTOR, RequestOrigin.NONE,
                Map.of("plan", snapshot.plan(), "entitlements_version", snapshot.version()));
    }
}
