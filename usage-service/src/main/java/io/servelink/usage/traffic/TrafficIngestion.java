package io.servelink.usage.traffic;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Adds consumed traffic events to monthly and daily usage exactly once. One transaction per batch adds the batch's
 * bytes and stores, in {@code traffic_positions}, the offset after each partition's last record; the consumer reads
 * on from those stored positions. A record read again — after a crash between the database commit and the offset
 * commit, a rebalance, a rewound consumer group — lies before its partition's stored position and is never added
 * twice; a member that lost its partition without noticing cannot add a batch the new owner added, because a
 * position only moves on from where the batch starts. Nothing is stored per event.
 *
 * <p>Copies of one event at two offsets cannot reach it: the gateway publishes in Kafka transactions, aborts a
 * transaction whose outcome is unclear before sending its events again, and this consumer reads committed records
 * only (see docs/architecture.md).
 */
final class TrafficIngestion implements KafkaBatchConsumer.PositionedBatchHandler {

    private static final Logger log = LoggerFactory.getLogger(TrafficIngestion.class);

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final EventCodec codec;
    private final Counter ingested;
    private final Counter malformed;
    private final Counter bytes;
    private final Consumer<Set<String>> afterCommit;

    /**
     * @param afterCommit told the projects whose usage grew, after the batch's transaction committed; it must be
     *                    cheap (it runs on the consumer's path): the limit check queues the work and returns
     */
    TrafficIngestion(DatabaseClient db, TransactionalOperator transactions, EventCodec codec, MeterRegistry registry,
                     Consumer<Set<String>> afterCommit) {
        this.afterCommit = afterCommit;
        this.db = db;
        this.transactions = transactions;
        this.codec = codec;
        this.ingested = Counter.builder("servelink.usage.traffic.events").tag("outcome", "counted").register(registry);
        this.malformed = Counter.builder("servelink.usage.traffic.events").tag("outcome", "malformed").register(registry);
        this.bytes = Counter.builder("servelink.usage.traffic.bytes").description("Bytes added to usage").register(registry);
    }

    /** What a committed batch added. */
    private record Added(Set<String> projects, long events, long bytes) {
    }

    /** A batch as read: its events and, per partition, the first offset and the offset after the last record. */
    private record Read(List<TrafficRecorded> events, Map<TopicPartition, long[]> offsets) {
    }

    @Override
    public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        Read read = read(records);
        return advancePositions(read.offsets())
                .then(Mono.defer(() -> store(read.events())))
                .as(transactions::transactional)
                .doOnNext(this::afterCommit)
                .then();
    }

    @Override
    public Mono<Map<TopicPartition, Long>> positions(Collection<TopicPartition> partitions) {
        Set<TopicPartition> wanted = new HashSet<>(partitions);
        return db.sql("SELECT topic, partition, next_offset FROM traffic_positions WHERE topic = ANY(CAST(:topics AS text[]))")
                .bind("topics", wanted.stream().map(TopicPartition::topic).distinct().toArray(String[]::new))
                .map((row, meta) -> Map.entry(new TopicPartition(row.get("topic", String.class), row.get("partition", Integer.class)),
                        row.get("next_offset", Long.class)))
                .all()
                .filter(entry -> wanted.contains(entry.getKey()))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** Decodes the records (skipping malformed ones) and notes each partition's offsets, in one pass. */
    private Read read(List<ConsumerRecord<String, byte[]>> records) {
        List<TrafficRecorded> events = new ArrayList<>(records.size());
        Map<TopicPartition, long[]> offsets = new LinkedHashMap<>();
        TopicPartition partition = null;
        long[] range = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            if (partition == null || record.partition() != partition.partition() || !record.topic().equals(partition.topic())) {
                partition = new TopicPartition(record.topic(), record.partition());
                range = offsets.computeIfAbsent(partition, p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            }
            range[0] = Math.min(range[0], record.offset());
            range[1] = Math.max(range[1], record.offset() + 1);
            try {
                events.add(codec.decode(record.value(), TrafficRecorded.class).payload());
            } catch (EventCodec.MalformedEventException e) {
                malformed.increment();
                log.warn("Skipping malformed traffic record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
        return new Read(events, offsets);
    }

    /**
     * Moves each partition's stored position to the offset after the batch's last record of it (malformed records
     * included: they are consumed too), but only where the stored position is not beyond the batch's first record.
     * It is the transaction's first statement: the rows' locks order two members that both think they own a partition.
     *
     * @throws KafkaBatchConsumer.PositionMovedException when a partition's position had moved past the batch's start
     */
    private Mono<Void> advancePositions(Map<TopicPartition, long[]> ranges) {
        Collection<TopicPartition> partitions = ranges.keySet();
        // EXCLUDED.tracked_from carries the batch's first offset of the partition into the condition (a stored row keeps
        // the first offset its partition was counted from: tracked_from itself is never updated)
        return db.sql("INSERT INTO traffic_positions AS stored (topic, partition, next_offset, tracked_from, updated_at) "
                        + "SELECT t, p, n, f, now() FROM unnest(CAST(:topics AS text[]), CAST(:partitions AS int[]), "
                        + "CAST(:firsts AS bigint[]), CAST(:nexts AS bigint[])) AS b(t, p, f, n) "
                        + "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at "
                        + "WHERE stored.next_offset <= EXCLUDED.tracked_from "
                        + "RETURNING stored.topic, stored.partition")
                .bind("topics", partitions.stream().map(TopicPartition::topic).toArray(String[]::new))
                .bind("partitions", partitions.stream().map(TopicPartition::partition).toArray(Integer[]::new))
                .bind("firsts", ranges.values().stream().map(range -> range[0]).toArray(Long[]::new))
                .bind("nexts", ranges.values().stream().map(range -> range[1]).toArray(Long[]::new))
                .map((row, meta) -> new TopicPartition(row.get("topic", String.class), row.get("partition", Integer.class)))
                .all()
                .collect(java.util.stream.Collectors.toSet())
                .flatMap(advanced -> advanced.size() == partitions.size() ? Mono.<Void>empty()
                        : Mono.error(new KafkaBatchConsumer.PositionMovedException("traffic partitions "
                        + partitions.stream().filter(p -> !advanced.contains(p)).toList() + " were stored past this batch")));
    }

    private Mono<Added> store(List<TrafficRecorded> events) {
        long addedBytes = events.stream().mapToLong(TrafficRecorded::totalBytes).sum();
        Added added = new Added(new HashSet<>(), events.size(), addedBytes);
        if (events.isEmpty()) {
            return Mono.just(added);
        }
        TrafficBatch batch = TrafficBatch.of(events);
        batch.monthly().keySet().forEach(key -> added.projects().add(key.projectId()));
        return addMonthly(batch.monthly()).then(addDaily(batch.daily())).then(touchActivity(batch.lastTraffic()))
                .thenReturn(added);
    }

    private void afterCommit(Added added) {
        ingested.increment(added.events());
        bytes.increment(added.bytes());
        if (added.projects().isEmpty()) {
            return;
        }
        try {
            afterCommit.accept(added.projects());
        } catch (RuntimeException e) {
            log.warn("Could not signal changed usage of {} projects; the daily limit check covers them", added.projects().size(), e);
        }
    }

    private Mono<Void> addMonthly(Map<TrafficBatch.ProjectMonth, TrafficTotals> monthly) {
        Collection<TrafficBatch.ProjectMonth> keys = monthly.keySet();
        return db.sql("INSERT INTO project_usage (project_id, year, month, traffic_bytes, request_bytes, response_bytes, requests, updated_at) "
                        + "SELECT p, y, m, rq + rs, rq, rs, n, now() FROM unnest(CAST(:projects AS text[]), CAST(:years AS int[]), "
                        + "CAST(:months AS int[]), CAST(:req AS bigint[]), CAST(:resp AS bigint[]), CAST(:n AS bigint[])) AS t(p, y, m, rq, rs, n) "
                        + "ON CONFLICT (project_id, year, month) DO UPDATE SET "
                        + "traffic_bytes = project_usage.traffic_bytes + EXCLUDED.traffic_bytes, "
                        + "request_bytes = project_usage.request_bytes + EXCLUDED.request_bytes, "
                        + "response_bytes = project_usage.response_bytes + EXCLUDED.response_bytes, "
                        + "requests = project_usage.requests + EXCLUDED.requests, updated_at = now()")
                .bind("projects", keys.stream().map(TrafficBatch.ProjectMonth::projectId).toArray(String[]::new))
                .bind("years", keys.stream().map(k -> k.month().getYear()).toArray(Integer[]::new))
                .bind("months", keys.stream().map(k -> k.month().getMonthValue()).toArray(Integer[]::new))
                .bind("req", monthly.values().stream().map(TrafficTotals::requestBytes).toArray(Long[]::new))
                .bind("resp", monthly.values().stream().map(TrafficTotals::responseBytes).toArray(Long[]::new))
                .bind("n", monthly.values().stream().map(TrafficTotals::requests).toArray(Long[]::new))
                .then();
    }

    private Mono<Void> addDaily(Map<TrafficBatch.ProjectDay, TrafficTotals> daily) {
        Collection<TrafficBatch.ProjectDay> keys = daily.keySet();
        return db.sql("INSERT INTO project_usage_daily (project_id, day, traffic_bytes, request_bytes, response_bytes, requests) "
                        + "SELECT p, d, rq + rs, rq, rs, n FROM unnest(CAST(:projects AS text[]), CAST(:days AS date[]), "
                        + "CAST(:req AS bigint[]), CAST(:resp AS bigint[]), CAST(:n AS bigint[])) AS t(p, d, rq, rs, n) "
                        + "ON CONFLICT (project_id, day) DO UPDATE SET "
                        + "traffic_bytes = project_usage_daily.traffic_bytes + EXCLUDED.traffic_bytes, "
                        + "request_bytes = project_usage_daily.request_bytes + EXCLUDED.request_bytes, "
                        + "response_bytes = project_usage_daily.response_bytes + EXCLUDED.response_bytes, "
                        + "requests = project_usage_daily.requests + EXCLUDED.requests")
                .bind("projects", keys.stream().map(TrafficBatch.ProjectDay::projectId).toArray(String[]::new))
                .bind("days", keys.stream().map(k -> k.day().toString()).toArray(String[]::new))
                .bind("req", daily.values().stream().map(TrafficTotals::requestBytes).toArray(Long[]::new))
                .bind("resp", daily.values().stream().map(TrafficTotals::responseBytes).toArray(Long[]::new))
                .bind("n", daily.values().stream().map(TrafficTotals::requests).toArray(Long[]::new))
                .then();
    }

    private Mono<Void> touchActivity(Map<String, Instant> lastTraffic) {
        if (lastTraffic.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("INSERT INTO project_activity (project_id, last_traffic_at) "
                        + "SELECT * FROM unnest(CAST(:projects AS text[]), CAST(:times AS timestamptz[])) "
                        + "ON CONFLICT (project_id) DO UPDATE SET last_traffic_at = "
                        + "GREATEST(project_activity.last_traffic_at, EXCLUDED.last_traffic_at)")
                .bind("projects", lastTraffic.keySet().toArray(String[]::new))
                .bind("times", lastTraffic.values().stream().map(Object::toString).toArray(String[]::new))
                .then();
    }
}
