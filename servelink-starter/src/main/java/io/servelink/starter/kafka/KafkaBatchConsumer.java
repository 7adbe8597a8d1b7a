package io.servelink.starter.kafka;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * Consumer-group members, each on its own thread, that hand each polled batch to a handler and commit the
 * batch's offsets only after the handler's effect is stored. A failed batch is sought back and retried with
 * a growing pause, never skipped: handlers must be idempotent, which makes redelivery after a crash or rebalance
 * harmless. They are in one of two ways:
 * <ul>
 *   <li>a {@link BatchHandler} records the event ids in the same database transaction as the effect;</li>
 *   <li>a {@link PositionedBatchHandler} stores each partition's next offset in the transaction of the effect
 *       instead (no row per event), and the consumer reads from those stored positions whatever the group's
 *       committed offsets say.</li>
 * </ul>
 */
public final class KafkaBatchConsumer implements SmartLifecycle, ApplicationContextAware {

    /** Stores the effect of a batch; the returned Mono completes when it is durable. */
    @FunctionalInterface
    public interface BatchHandler {
        Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records);
    }

    /**
     * A handler whose transaction stores, with the effect of a batch, the offset after each partition's last record
     * in it, and refuses (rolls back, throws {@link PositionMovedException}) a batch of a partition whose stored
     * position is beyond the batch's first record: a member that lost the partition without noticing cannot apply
     * what the new owner applies.
     */
    public interface PositionedBatchHandler extends BatchHandler {

        /** The stored next offsets of {@code partitions}; a partition never stored is absent. */
        Mono<Map<TopicPartition, Long>> positions(Collection<TopicPartition> partitions);
    }

    /** Thrown by a {@link PositionedBatchHandler} when a partition's stored position moved past the batch. */
    public static final class PositionMovedException extends RuntimeException {
        public PositionMovedException(String message) {
            super(message);
        }
    }

    /**
     * How a consumer reads.
     *
     * @param maxPollRecords most records per batch
     * @param members        consumer-group members in this process, each on its own thread (partitions are
     *                       shared among them; more members than partitions leaves some idle)
     * @param properties     further Kafka consumer properties (fetch sizes, ...)
     */
    public record Tuning(int maxPollRecords, int members, Map<String, Object> properties) {

        public Tuning {
            if (maxPollRecords < 1 || members < 1) {
                throw new IllegalArgumentException("maxPollRecords and members must be positive");
            }
            properties = Map.copyOf(properties);
        }

        public static Tuning of(int maxPollRecords) {
            return new Tuning(maxPollRecords, 1, Map.of());
        }
    }

    private static final Logger log = LoggerFactory.getLogger(KafkaBatchConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Pause before reading a failed batch again: 200 ms, doubling with each failure in a row, at most 30 s. */
    private static final IntervalFunction BACKOFF = IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2,
            Duration.ofSeconds(30));

    private final String name;
    private final Map<String, Object> config;
    private final List<String> topics;
    private final BatchHandler handler;
    private final PositionedBatchHandler positioned;
    private final int memberCount;
    private final MeterRegistry registry;
    private final Duration handlerTimeout;
    private final Counter records;
    private final Counter failures;
    private final Counter positionMoves;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private volatile TraceHeaders tracing = TraceHeaders.none();
    private volatile boolean running;

    public KafkaBatchConsumer(String name, KafkaClients kafka, String groupId, List<String> topics, int maxPollRecords,
                              BatchHandler handler, MeterRegistry registry) {
        this(name, kafka, groupId, topics, Tuning.of(maxPollRecords), handler, registry);
    }

    public KafkaBatchConsumer(String name, KafkaClients kafka, String groupId, List<String> topics, Tuning tuning,
                              BatchHandler handler, MeterRegistry registry) {
        this.name = name;
        this.config = new HashMap<>(kafka.consumerConfig(groupId, name));
        this.config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, tuning.maxPollRecords());
        this.config.putAll(tuning.properties());
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.positioned = handler instanceof PositionedBatchHandler p ? p : null;
        this.memberCount = tuning.members();
        this.registry = registry;
        this.handlerTimeout = kafka.requestTimeout().multipliedBy(6);
        this.records = Counter.builder("servelink.kafka.consumer.records").tag("consumer", name)
                .description("Records whose effect was stored").register(registry);
        this.failures = Counter.builder("servelink.kafka.consumer.failures").tag("consumer", name)
                .description("Batches that failed and were retried").register(registry);
        this.positionMoves = Counter.builder("servelink.kafka.consumer.position.moves").tag("consumer", name)
                .description("Batches refused because another member had stored a later position").register(registry);
    }

    /** Continues producers' traces when the application has a tracer (see {@link TraceHeaders}). */
    @Override
    public void setApplicationContext(ApplicationContext context) {
        context.getBeanProvider(TraceHeaders.class).ifAvailable(headers -> this.tracing = headers);
    }

    @Override
    public void start() {
        running = true;
        for (int i = 1; i <= memberCount; i++) {
            Member member = new Member(memberCount == 1 ? name : name + "-" + i);
            members.add(member);
            member.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        members.forEach(Member::wakeup);
        members.forEach(Member::join);
        members.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the web server and the database are ready, stops before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** Sleeps after the {@code failedInARow}-th failure in a row; returns the number of the next one. */
    private static int pause(int failedInARow) {
        try {
            Thread.sleep(BACKOFF.apply(failedInARow));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failedInARow + 1;
    }

    /** Where a batch starts and ends in each of its partitions. */
    private record Offsets(int count, Map<TopicPartition, Long> first, Map<TopicPartition, OffsetAndMetadata> next) {

        static Offsets of(ConsumerRecords<String, byte[]> batch) {
            Map<TopicPartition, Long> first = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            for (TopicPartition partition : batch.partitions()) {
                List<ConsumerRecord<String, byte[]>> records = batch.records(partition);
                first.put(partition, records.getFirst().offset());
                next.put(partition, new OffsetAndMetadata(records.getLast().offset() + 1));
            }
            return new Offsets(batch.count(), first, next);
        }
    }

    /** One group member: its own KafkaConsumer, polled by its own thread. */
    private final class Member implements ConsumerRebalanceListener {

        private final String clientName;
        private volatile KafkaConsumer<String, byte[]> consumer;
        private Thread thread;

        Member(String clientName) {
            this.clientName = clientName;
        }

        void start() {
            thread = Thread.ofPlatform().name("kafka-" + clientName).unstarted(this::run);
            thread.start();
        }

        void wakeup() {
            KafkaConsumer<String, byte[]> current = consumer;
            if (current != null) {
                current.wakeup();
            }
        }

        void join() {
            try {
                thread.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            Map<String, Object> memberConfig = new HashMap<>(config);
            memberConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, config.get(ConsumerConfig.CLIENT_ID_CONFIG) + clientName.substring(name.length()));
            try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(memberConfig);
                 KafkaClientMetrics metrics = new KafkaClientMetrics(kafka)) {
                consumer = kafka;
                metrics.bindTo(registry);
                kafka.subscribe(topics, this);
                int failedInARow = 1;
                while (running && !Thread.currentThread().isInterrupted()) {
                    failedInARow = process(kafka, kafka.poll(POLL_TIMEOUT), failedInARow);
                }
            } catch (WakeupException e) {
                if (running) {
                    log.error("Consumer {} woken up while running", clientName, e);
                }
            } catch (RuntimeException e) {
                log.error("Consumer {} stopped on an unexpected error", clientName, e);
            } finally {
                consumer = null;
            }
        }

        /**
         * Stores the effect of a polled batch, or seeks back to read it again after a pause.
         *
         * @param failedInARow which failure in a row the next one would be (1 after a stored batch)
         * @return the same, after this batch
         */
        private int process(KafkaConsumer<String, byte[]> kafka, ConsumerRecords<String, byte[]> polled, int failedInARow) {
            if (polled.isEmpty()) {
                return failedInARow;
            }
            Offsets offsets = Offsets.of(polled);
            List<ConsumerRecord<String, byte[]>> list = new ArrayList<>(polled.count());
            polled.forEach(list::add);
            Map<String, String> parent = tracing.parentOf(list);
            // Handed over, not kept (no variable of this thread refers to them any more): once the handler has read them,
            // the garbage collector may take the records and their bytes while the handler's transaction runs.
            AtomicReference<List<ConsumerRecord<String, byte[]>>> handover = new AtomicReference<>(list);
            list = null;
            polled = null;
            try {
                tracing.inConsumerSpan("kafka consume " + name, parent, offsets.count(),
                        () -> handler.handle(handover.getAndSet(null)).block(handlerTimeout));
                records.increment(offsets.count());
            } catch (WakeupException e) {
                throw e;
            } catch (PositionMovedException e) {
                positionMoves.increment();
                log.info("Consumer {} reads again from the stored positions: {}", clientName, e.getMessage());
                rewind(kafka, offsets);
                return pause(failedInARow);
            } catch (RuntimeException e) {
                failures.increment();
                log.warn("Consumer {} failed a batch of {} records; it will be retried", clientName, offsets.count(), e);
                rewind(kafka, offsets);
                return pause(failedInARow);
            }
            commit(kafka, offsets.next());
            return 1;
        }

        /**
         * With a positioned handler the stored positions are the truth and the group's offsets only show progress
         * (lag metrics, tools): they are committed without waiting. Otherwise they are what the next member starts from.
         */
        private void commit(KafkaConsumer<String, byte[]> kafka, Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (positioned == null) {
                kafka.commitSync(offsets);
                return;
            }
            kafka.commitAsync(offsets, (committed, e) -> {
                if (e != null) {
                    log.debug("Consumer {} could not commit progress {}", clientName, committed, e);
                }
            });
        }

        /** Reads the batch's partitions (those still assigned) again: from the stored positions, or the batch's start. */
        private void rewind(KafkaConsumer<String, byte[]> kafka, Offsets offsets) {
            Set<TopicPartition> assigned = kafka.assignment();
            List<TopicPartition> partitions = offsets.first().keySet().stream().filter(assigned::contains).toList();
            Map<TopicPartition, Long> stored = storedPositions(partitions);
            for (TopicPartition partition : partitions) {
                kafka.seek(partition, stored.getOrDefault(partition, offsets.first().get(partition)));
            }
        }

        /** The handler's stored positions; none when it stores none or they cannot be read now (the handler refuses then). */
        private Map<TopicPartition, Long> storedPositions(Collection<TopicPartition> partitions) {
            if (positioned == null || partitions.isEmpty()) {
                return Map.of();
            }
            try {
                Map<TopicPartition, Long> stored = positioned.positions(partitions).block(handlerTimeout);
                return stored == null ? Map.of() : stored;
            } catch (RuntimeException e) {
                log.warn("Consumer {} could not read the stored positions of {}", clientName, partitions, e);
                return Map.of();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            log.info("Consumer {} revoked {}", clientName, partitions);
        }

        /** Starts each newly assigned partition at its stored position (the group's committed offset otherwise). */
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("Consumer {} assigned {}", clientName, partitions);
            KafkaConsumer<String, byte[]> kafka = consumer;
            storedPositions(partitions).forEach(kafka::seek);
        }
    }
}
