package io.servelink.usage.traffic;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The bridge from counting by event id to counting by position, for an installation that ran the version that
 * recorded every event id in {@code processed_traffic_events}. That version committed the group's offsets after
 * its database transaction, so its database could be ahead of them by one batch: at most {@link #OVERLAP} records
 * (its {@code max-batch}) of a partition. This version starts a partition at the group's offset the first time, so
 * the events among the first {@code OVERLAP} offsets it counts by position are looked up among those ids, and the
 * ones found are not added again. On a new installation the table is empty and the lookup finds nothing.
 *
 * <p>Remove this class, and drop {@code processed_traffic_events}, once every installation runs this version.
 */
final class LegacyEventIds {

    static final long OVERLAP = 5_000;

    private final DatabaseClient db;

    LegacyEventIds(DatabaseClient db) {
        this.db = db;
    }

    /**
     * @param offsets     per partition of the batch, its first offset and the offset after its last record
     * @param trackedFrom each partition's first offset counted by position
     * @return the ids among {@code events} that the id-based version already counted
     */
    Mono<Set<UUID>> alreadyCounted(List<TrafficIngestion.Consumed> events, Map<TopicPartition, long[]> offsets,
                                   Map<TopicPartition, Long> trackedFrom) {
        Map<TopicPartition, Long> horizons = new HashMap<>();
        offsets.forEach((partition, range) -> {
            long horizon = trackedFrom.get(partition) + OVERLAP;
            if (range[0] < horizon) {
                horizons.put(partition, horizon);
            }
        });
        if (horizons.isEmpty()) {
            return Mono.just(Set.of()); // the usual case: the batch is past every partition's overlap
        }
        Set<UUID> candidates = new HashSet<>();
        for (TrafficIngestion.Consumed event : events) {
            Long horizon = horizons.get(event.partition());
            if (horizon != null && event.offset() < horizon) {
                candidates.add(event.eventId());
            }
        }
        if (candidates.isEmpty()) {
            return Mono.just(Set.of());
        }
        return db.sql("SELECT event_id FROM processed_traffic_events WHERE event_id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", candidates.stream().map(UUID::toString).toArray(String[]::new))
                .map((row, meta) -> row.get("event_id", UUID.class))
                .all()
                .collect(Collectors.toSet());
    }
}
