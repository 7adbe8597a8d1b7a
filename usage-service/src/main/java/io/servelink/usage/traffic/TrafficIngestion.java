package io.servelink.usage.traffic;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.contracts.spring.kafka.KafkaBatchConsumer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Adds consumed traffic events to monthly and daily usage exactly once. In one transaction per batch it records
 * the event ids in {@code processed_traffic_events} (ids already there are skipped: redelivery after a crash or
 * a rebalance, or a gateway resend) and adds the bytes of the events that were new. Offsets are committed to
 * Kafka only after that transaction commits.
 */
final class TrafficIngestion implements KafkaBatchConsumer.BatchHandler {

    private static final Logger log = LoggerFactory.getLogger(TrafficIngestion.class);

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final EventCodec codec;
    private final Counter ingested;
    private final Counter duplicates;
    private final Counter malformed;
    private final Counter bytes;
    private final Consumer<Set<String>> afterCommit;

    TrafficIngestion(DatabaseClient db, TransactionalOperator transactions, EventCodec codec, MeterRegistry registry) {
        this(db, transactions, codec, registry, projects -> { });
    }

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
        this.duplicates = Counter.builder("servelink.usage.traffic.events").tag("outcome", "duplicate").register(registry);
        this.malformed = Counter.builder("servelink.usage.traffic.events").tag("outcome", "malformed").register(registry);
        this.bytes = Counter.builder("servelink.usage.traffic.bytes").description("Bytes added to usage").register(registry);
    }

    @Override
    public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        Map<UUID, TrafficRecorded> events = decode(records);
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return recordNewIds(events)
                .flatMap(newIds -> store(events, newIds).thenReturn(projectsOf(events, newIds)))
                .as(transactions::transactional)
                .doOnNext(this::signal)
                .then();
    }

    private static Set<String> projectsOf(Map<UUID, TrafficRecorded> events, Set<UUID> newIds) {
        return events.entrySet().stream().filter(e -> newIds.contains(e.getKey()))
                .map(e -> e.getValue().projectId()).collect(Collectors.toSet());
    }

    private void signal(Set<String> projects) {
        if (projects.isEmpty()) {
            return;
        }
        try {
            afterCommit.accept(projects);
        } catch (RuntimeException e) {
            log.warn("Could not signal changed usage of {} projects; the daily limit check covers them", projects.size(), e);
        }
    }

    private Map<UUID, TrafficRecorded> decode(List<ConsumerRecord<String, byte[]>> records) {
        Map<UUID, TrafficRecorded> events = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                EventEnvelope<TrafficRecorded> envelope = codec.decode(record.value(), TrafficRecorded.class);
                if (events.putIfAbsent(envelope.eventId(), envelope.payload()) != null) {
                    duplicates.increment();
                }
            } catch (EventCodec.MalformedEventException e) {
                malformed.increment();
                log.warn("Skipping malformed traffic record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
        return events;
    }

    private Mono<Set<UUID>> recordNewIds(Map<UUID, TrafficRecorded> events) {
        String[] ids = events.keySet().stream().map(UUID::toString).toArray(String[]::new);
        String[] windowStarts = events.values().stream().map(e -> e.windowStart().toString()).toArray(String[]::new);
        return db.sql("INSERT INTO processed_traffic_events (event_id, window_start) "
                        + "SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:starts AS timestamptz[])) "
                        + "ON CONFLICT (event_id) DO NOTHING RETURNING event_id")
                .bind("ids", ids)
                .bind("starts", windowStarts)
                .map((row, meta) -> row.get("event_id", UUID.class))
                .all()
                .collect(Collectors.toSet());
    }

    private Mono<Void> store(Map<UUID, TrafficRecorded> events, Set<UUID> newIds) {
        List<TrafficRecorded> fresh = events.entrySet().stream().filter(e -> newIds.contains(e.getKey()))
                .map(Map.Entry::getValue).toList();
        duplicates.increment(events.size() - fresh.size());
        if (fresh.isEmpty()) {
            return Mono.empty();
        }
        TrafficBatch batch = TrafficBatch.of(fresh);
        return addMonthly(batch.monthly()).then(addDaily(batch.daily())).then(touchActivity(batch.lastTraffic()))
                .doOnSuccess(ignored -> {
                    ingested.increment(fresh.size());
                    bytes.increment(fresh.stream().mapToLong(TrafficRecorded::totalBytes).sum());
                });
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

    private Mono<Void> touchActivity(Map<String, java.time.Instant> lastTraffic) {
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
