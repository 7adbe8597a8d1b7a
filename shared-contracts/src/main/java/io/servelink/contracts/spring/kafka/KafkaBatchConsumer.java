package io.servelink.contracts.spring.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.servelink.contracts.spring.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * A consumer-group member on its own thread that hands each polled batch to a handler and commits the
 * batch's offsets only after the handler's effect is stored. A failed batch is sought back and retried with
 * a growing pause, never skipped: handlers must be idempotent (they record event ids in the same database
 * transaction as the effect), which makes redelivery after a crash or rebalance harmless.
 */
public final class KafkaBatchConsumer implements SmartLifecycle, ApplicationContextAware {

    /** Stores the effect of a batch; the returned Mono completes when it is durable. */
    @FunctionalInterface
    public interface BatchHandler {
        Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records);
    }

    private static final Logger log = LoggerFactory.getLogger(KafkaBatchConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final Map<String, Object> config;
    private final List<String> topics;
    private final BatchHandler handler;
    private final MeterRegistry registry;
    private final Duration handlerTimeout;
    private final Counter records;
    private final Counter failures;
    private volatile TraceHeaders tracing = TraceHeaders.none();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public KafkaBatchConsumer(String name, KafkaSettings settings, String groupId, List<String> topics, int maxPollRecords,
                              BatchHandler handler, MeterRegistry registry) {
        this.name = name;
        this.config = new HashMap<>(settings.consumerConfig(groupId, name));
        this.config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.registry = registry;
        this.handlerTimeout = settings.requestTimeout().multipliedBy(6);
        this.records = Counter.builder("servelink.kafka.consumer.records").tag("consumer", name)
                .description("Records whose effect was stored").register(registry);
        this.failures = Counter.builder("servelink.kafka.consumer.failures").tag("consumer", name)
                .description("Batches that failed and were retried").register(registry);
    }

    /** Continues producers' traces when the application has a tracer (see {@link TraceHeaders}). */
    @Override
    public void setApplicationContext(ApplicationContext context) {
        context.getBeanProvider(TraceHeaders.class).ifAvailable(headers -> this.tracing = headers);
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("kafka-" + name).unstarted(this::run);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    private void run() {
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config);
             KafkaClientMetrics metrics = new KafkaClientMetrics(kafka)) {
            consumer = kafka;
            metrics.bindTo(registry);
            kafka.subscribe(topics, new LoggingRebalanceListener());
            Duration backoff = Duration.ofMillis(200);
            while (running) {
                ConsumerRecords<String, byte[]> batch = kafka.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                backoff = process(kafka, batch) ? Duration.ofMillis(200) : pause(backoff);
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Consumer {} woken up while running", name, e);
            }
        } catch (RuntimeException e) {
            log.error("Consumer {} stopped on an unexpected error", name, e);
        } finally {
            consumer = null;
        }
    }

    private boolean process(KafkaConsumer<String, byte[]> kafka, ConsumerRecords<String, byte[]> batch) {
        List<ConsumerRecord<String, byte[]>> list = new ArrayList<>(batch.count());
        batch.forEach(list::add);
        try {
            tracing.inConsumerSpan("kafka consume " + name, list, () -> handler.handle(list).block(handlerTimeout));
            kafka.commitSync(nextOffsets(batch));
            records.increment(list.size());
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("Consumer {} failed a batch of {} records; it will be retried", name, list.size(), e);
            for (TopicPartition partition : batch.partitions()) {
                kafka.seek(partition, batch.records(partition).getFirst().offset());
            }
            return false;
        }
    }

    private Duration pause(Duration backoff) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            offsets.put(partition, new OffsetAndMetadata(batch.records(partition).getLast().offset() + 1));
        }
        return offsets;
    }

    private final class LoggingRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            log.info("Consumer {} revoked {}", name, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("Consumer {} assigned {}", name, partitions);
        }
    }
}
