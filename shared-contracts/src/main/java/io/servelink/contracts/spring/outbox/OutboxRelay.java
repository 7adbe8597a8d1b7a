package io.servelink.contracts.spring.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.spring.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Publishes outbox rows to Kafka. Each round claims the oldest unpublished rows with
 * {@code FOR UPDATE SKIP LOCKED} (so replicas share the work without publishing a row twice), sends them,
 * waits for the broker's acknowledgement and marks them published in the same transaction. A failed round
 * rolls back, counts an attempt on the rows and is retried; rows past {@code maxAttempts} are parked for an
 * operator (metric {@code servelink.outbox.parked}).
 */
public final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final KafkaProducer<String, byte[]> producer;
    private final Duration interval;
    private final int batchSize;
    private final int maxAttempts;
    private final Duration sendTimeout;
    private final Counter published;
    private final Counter failures;
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public OutboxRelay(DatabaseClient db, TransactionalOperator transactions, KafkaSettings kafka, Duration interval,
                       int batchSize, int maxAttempts, MeterRegistry registry) {
        this.db = db;
        this.transactions = transactions;
        this.producer = new KafkaProducer<>(kafka.producerConfig("outbox"));
        this.interval = interval;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.sendTimeout = kafka.requestTimeout().multipliedBy(3);
        this.published = Counter.builder("servelink.outbox.published").description("Outbox events published").register(registry);
        this.failures = Counter.builder("servelink.outbox.failures").description("Outbox rounds that failed").register(registry);
        registry.gauge("servelink.outbox.parked", parked);
        registry.gauge("servelink.outbox.pending", pending);
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("outbox-relay").factory());
        scheduler.scheduleWithFixedDelay(this::relayQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** Publishes everything pending now; returns how many rows were published. For jobs and tests. */
    public int relayPending() {
        int total = 0;
        int round;
        do {
            round = relayOnce();
            total += round;
        } while (round == batchSize);
        return total;
    }

    private void relayQuietly() {
        try {
            relayPending();
            measurePending();
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("Outbox relay round failed; rows stay pending and are retried", e);
            recordFailure(e);
        }
    }

    private int relayOnce() {
        Integer count = db.sql("SELECT id, event_id, topic, event_key, payload::text AS payload, trace_parent FROM event_outbox "
                        + "WHERE published_at IS NULL AND attempts < :maxAttempts ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("maxAttempts", maxAttempts)
                .bind("limit", batchSize)
                .map((row, meta) -> new PendingEvent(row.get("id", Long.class), row.get("event_id", java.util.UUID.class),
                        row.get("topic", String.class), row.get("event_key", String.class), row.get("payload", String.class),
                        row.get("trace_parent", String.class)))
                .all().collectList()
                .flatMap(this::sendAndMark)
                .as(transactions::transactional)
                .block(sendTimeout.plusSeconds(10));
        return count == null ? 0 : count;
    }

    private Mono<Integer> sendAndMark(List<PendingEvent> events) {
        if (events.isEmpty()) {
            return Mono.just(0);
        }
        return Mono.fromCallable(() -> send(events))
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .flatMap(ids -> db.sql("UPDATE event_outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY(:ids)")
                        .bind("ids", ids.toArray(Long[]::new))
                        .fetch().rowsUpdated())
                .doOnNext(published::increment)
                .map(Long::intValue);
    }

    private List<Long> send(List<PendingEvent> events) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (PendingEvent event : events) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic(), event.key(),
                    event.payload().getBytes(StandardCharsets.UTF_8));
            record.headers().add(new RecordHeader("event-id", event.eventId().toString().getBytes(StandardCharsets.UTF_8)));
            if (event.traceParent() != null) {
                record.headers().add(new RecordHeader(io.servelink.contracts.spring.kafka.TraceHeaders.TRACEPARENT,
                        event.traceParent().getBytes(StandardCharsets.UTF_8)));
            }
            acks.add(producer.send(record));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return events.stream().map(PendingEvent::id).toList();
    }

    /** Rows not yet published (a growing figure means the relay cannot keep up or Kafka is unreachable). */
    private void measurePending() {
        Long count = db.sql("SELECT count(*) AS pending FROM event_outbox WHERE published_at IS NULL")
                .map((row, meta) -> row.get("pending", Long.class)).one().block(Duration.ofSeconds(5));
        pending.set(count == null ? 0 : count);
    }

    private void recordFailure(RuntimeException e) {
        try {
            db.sql("UPDATE event_outbox SET attempts = attempts + 1, last_error = :error WHERE id IN ("
                            + "SELECT id FROM event_outbox WHERE published_at IS NULL AND attempts < :maxAttempts ORDER BY id LIMIT :limit)")
                    .bind("error", String.valueOf(e.getMessage()))
                    .bind("maxAttempts", maxAttempts)
                    .bind("limit", batchSize)
                    .fetch().rowsUpdated()
                    .then(db.sql("SELECT count(*) AS parked FROM event_outbox WHERE published_at IS NULL AND attempts >= :maxAttempts")
                            .bind("maxAttempts", maxAttempts)
                            .map((row, meta) -> row.get("parked", Long.class)).one())
                    .doOnNext(parked::set)
                    .block(Duration.ofSeconds(10));
        } catch (RuntimeException bookkeeping) {
            log.warn("Could not record the outbox failure", bookkeeping);
        }
    }

    record PendingEvent(Long id, java.util.UUID eventId, String topic, String key, String payload, String traceParent) {
    }
}
