package io.servelink.starter.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.TraceHeaders;
import io.servelink.starter.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes outbox rows to Kafka without holding a transaction or a row lock while Kafka answers. Each round:
 * <ol>
 *   <li><b>claims</b> the oldest publishable rows with a lease: one short transaction sets {@code claimed_until} and
 *       a fresh {@code claim_token} on them ({@code FOR UPDATE SKIP LOCKED}) and commits;</li>
 *   <li><b>sends</b> them one after the other in id order, each waiting for the broker's acknowledgement
 *       ({@code acks=all}), and starts no send that could outlive the lease;</li>
 *   <li><b>marks</b> the acknowledged rows published, where id and token still match. The first failure stops the
 *       round: that row counts an attempt and keeps its lease (it is retried once the lease ends), the rows after it are
 *       released unsent. Rows that failed {@code maxAttempts} times are parked for an operator
 *       ({@code servelink.outbox.parked}).</li>
 * </ol>
 * Per-key order holds across replicas because rows are claimed per key: a row is only claimable while no earlier
 * unpublished row of its topic and key is leased (being sent, or failed and waiting), and claims are serialised by a
 * transaction-scoped advisory lock, so each claim sees the claims committed before it. Replicas send different keys at
 * the same time. A replica that dies mid-round leaves leases that simply expire; a send that succeeded without its
 * mark is sent again, and consumers drop the duplicate by event id.
 */
public final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String CLAIM = "UPDATE event_outbox SET claimed_until = now() + make_interval(secs => :lease), "
            + "claim_token = :token WHERE id IN ("
            + "SELECT o.id FROM event_outbox o WHERE o.published_at IS NULL AND o.attempts < :maxAttempts "
            + "AND (o.claimed_until IS NULL OR o.claimed_until <= now()) "
            + "AND NOT EXISTS (SELECT 1 FROM event_outbox e WHERE e.topic = o.topic AND e.event_key = o.event_key "
            + "AND e.id < o.id AND e.published_at IS NULL AND e.claimed_until > now()) "
            + "ORDER BY o.id LIMIT :limit FOR UPDATE SKIP LOCKED) "
            + "RETURNING id, event_id, topic, event_key, payload::text AS payload, trace_parent";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Producer<String, byte[]> producer;
    private final Duration sendTimeout;
    private final OutboxSettings settings;
    private final Counter published;
    private final Counter failures;
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public OutboxRelay(DatabaseClient db, TransactionalOperator transactions, KafkaClients kafka, OutboxSettings settings,
                       MeterRegistry registry) {
        this(db, transactions, new KafkaProducer<>(kafka.producerConfig("outbox")), kafka.requestTimeout().multipliedBy(3),
                settings, registry);
    }

    /**
     * @param sendTimeout the longest one send may take before it counts as failed (the producer's delivery timeout);
     *                    shorter than the lease
     */
    public OutboxRelay(DatabaseClient db, TransactionalOperator transactions, Producer<String, byte[]> producer,
                       Duration sendTimeout, OutboxSettings settings, MeterRegistry registry) {
        if (settings.lease().compareTo(sendTimeout) <= 0) {
            throw new IllegalArgumentException("servelink.outbox.lease (" + settings.lease()
                    + ") must be longer than one send may take (" + sendTimeout + ")");
        }
        this.db = db;
        this.transactions = transactions;
        this.producer = producer;
        this.sendTimeout = sendTimeout;
        this.settings = settings;
        this.published = Counter.builder("servelink.outbox.published").description("Outbox events published").register(registry);
        this.failures = Counter.builder("servelink.outbox.failures").description("Outbox sends that failed").register(registry);
        registry.gauge("servelink.outbox.parked", parked);
        registry.gauge("servelink.outbox.pending", pending);
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("outbox-relay").factory());
        long interval = settings.interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::relayQuietly, interval, interval, TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    /**
     * Publishes what is publishable now, round after round, until a round claims less than a batch or a send fails;
     * returns how many rows were published. Blocks: for the relay's thread, jobs and tests.
     */
    public int relayPending() {
        int total = 0;
        Round round;
        do {
            round = relayOnce();
            total += round.published();
        } while (round.claimed() == settings.batchSize() && !round.failed());
        return total;
    }

    private void relayQuietly() {
        try {
            relayPending();
            measurePending();
        } catch (RuntimeException e) {
            log.warn("Outbox relay round failed; rows stay pending and are retried", e);
        }
    }

    /** What one round did. */
    private record Round(int claimed, int published, boolean failed) {
    }

    private Round relayOnce() {
        UUID token = UUID.randomUUID();
        long deadline = System.nanoTime() + settings.lease().minus(sendTimeout).toNanos();
        List<PendingEvent> claimed = claim(token).block(Duration.ofSeconds(30));
        if (claimed == null || claimed.isEmpty()) {
            return new Round(0, 0, false);
        }
        List<Long> sent = new CopyOnWriteArrayList<>();
        Throwable failure = Flux.fromIterable(claimed)
                .takeWhile(event -> System.nanoTime() < deadline)
                .concatMap(event -> send(event).doOnSuccess(ack -> sent.add(event.id())))
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .block(settings.lease());
        int marked = markPublished(token, sent);
        List<Long> unsent = claimed.stream().map(PendingEvent::id).filter(id -> !sent.contains(id)).toList();
        if (failure != null) {
            PendingEvent failed = claimed.get(sent.size());
            markFailed(token, failed, failure);
            release(token, unsent.subList(1, unsent.size()));
        } else {
            release(token, unsent);
        }
        return new Round(claimed.size(), marked, failure != null);
    }

    /** One short transaction: claims serialise on an advisory lock, so each sees the leases committed before it. */
    private Mono<List<PendingEvent>> claim(UUID token) {
        return db.sql("SELECT pg_advisory_xact_lock(hashtext('event_outbox claim'))").then()
                .then(db.sql(CLAIM)
                        .bind("lease", (double) settings.lease().toMillis() / 1000)
                        .bind("token", token)
                        .bind("maxAttempts", settings.maxAttempts())
                        .bind("limit", settings.batchSize())
                        .map((row, meta) -> new PendingEvent(row.get("id", Long.class), row.get("event_id", UUID.class),
                                row.get("topic", String.class), row.get("event_key", String.class),
                                row.get("payload", String.class), row.get("trace_parent", String.class)))
                        .all()
                        .sort(Comparator.comparing(PendingEvent::id))
                        .collectList())
                .as(transactions::transactional);
    }

    /** Sends one event and waits for the broker's acknowledgement; {@code send} itself may block on metadata. */
    private Mono<RecordMetadata> send(PendingEvent event) {
        return Mono.<RecordMetadata>create(sink -> producer.send(record(event), (metadata, error) -> {
                    if (error != null) {
                        sink.error(error);
                    } else {
                        sink.success(metadata);
                    }
                }))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(sendTimeout);
    }

    private static ProducerRecord<String, byte[]> record(PendingEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic(), event.key(),
                event.payload().getBytes(StandardCharsets.UTF_8));
        record.headers().add(new RecordHeader("event-id", event.eventId().toString().getBytes(StandardCharsets.UTF_8)));
        if (event.traceParent() != null) {
            record.headers().add(new RecordHeader(TraceHeaders.TRACEPARENT, event.traceParent().getBytes(StandardCharsets.UTF_8)));
        }
        return record;
    }

    private int markPublished(UUID token, List<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        Long marked = db.sql("UPDATE event_outbox SET published_at = now(), claimed_until = NULL "
                        + "WHERE id = ANY(:ids) AND claim_token = :token")
                .bind("ids", ids.toArray(Long[]::new))
                .bind("token", token)
                .fetch().rowsUpdated()
                .block(Duration.ofSeconds(30));
        published.increment(marked == null ? 0 : marked);
        return marked == null ? 0 : marked.intValue();
    }

    /** The failed row keeps its lease: it is retried once the lease ends, and holds back the later rows of its key. */
    private void markFailed(UUID token, PendingEvent event, Throwable error) {
        failures.increment();
        log.warn("Outbox event {} to {} failed; retried after the lease", event.eventId(), event.topic(), error);
        try {
            db.sql("UPDATE event_outbox SET attempts = attempts + 1, last_error = :error WHERE id = :id AND claim_token = :token")
                    .bind("error", String.valueOf(error.getMessage()))
                    .bind("id", event.id())
                    .bind("token", token)
                    .fetch().rowsUpdated()
                    .then(db.sql("SELECT count(*) AS parked FROM event_outbox WHERE published_at IS NULL AND attempts >= :maxAttempts")
                            .bind("maxAttempts", settings.maxAttempts())
                            .map((row, meta) -> row.get("parked", Long.class)).one())
                    .doOnNext(parked::set)
                    .block(Duration.ofSeconds(30));
        } catch (RuntimeException bookkeeping) {
            log.warn("Could not record the outbox failure; the row is retried after its lease", bookkeeping);
        }
    }

    /** Rows not sent in this round can be claimed again at once (behind any earlier leased row of their key). */
    private void release(UUID token, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        db.sql("UPDATE event_outbox SET claimed_until = NULL WHERE id = ANY(:ids) AND claim_token = :token AND published_at IS NULL")
                .bind("ids", ids.toArray(Long[]::new))
                .bind("token", token)
                .fetch().rowsUpdated()
                .block(Duration.ofSeconds(30));
    }

    /** Rows not yet published (a growing figure means the relay cannot keep up or Kafka is unreachable). */
    private void measurePending() {
        Long count = db.sql("SELECT count(*) AS pending FROM event_outbox WHERE published_at IS NULL")
                .map((row, meta) -> row.get("pending", Long.class)).one().block(Duration.ofSeconds(5));
        pending.set(count == null ? 0 : count);
    }

    record PendingEvent(Long id, UUID eventId, String topic, String key, String payload, String traceParent) {
    }
}
