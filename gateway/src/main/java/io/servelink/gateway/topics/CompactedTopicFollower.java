package io.servelink.gateway.topics;

import io.servelink.starter.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads a compacted state topic into an in-memory {@link Sink}, as the projects registry reads the projects topic:
 * every partition assigned, from the beginning, without a consumer group (each replica needs every key), then
 * follows new records on a thread of its own. The sink counts as caught up once the positions reach the end offsets
 * taken at start. After a Kafka error the follower reconnects and resumes from the positions it had. Records that
 * cannot be decoded are logged and skipped; a null value is a tombstone.
 *
 * @param <V> the decoded value of a record
 */
public final class CompactedTopicFollower<V> implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicFollower.class);

    private final String name;
    private final String topic;
    private final KafkaClients kafka;
    private final Function<byte[], V> decoder;
    private final Sink<V> sink;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param name    names the thread and the consumer's client id
     * @param decoder turns a record's value into a state; may throw on malformed input (the record is skipped)
     */
    public CompactedTopicFollower(String name, String topic, KafkaClients kafka, Function<byte[], V> decoder, Sink<V> sink,
                                  Duration pollTimeout, Duration retryBackoff) {
        this.name = name;
        this.topic = topic;
        this.kafka = kafka;
        this.decoder = decoder;
        this.sink = sink;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
    }

    /** Where the records go: the follower is its only writer. */
    public interface Sink<V> {

        /** A batch in topic order (per partition). */
        void apply(List<Keyed<V>> records);

        boolean isCaughtUp();

        void markCaughtUp();
    }

    /** One record: a key and its new value, or its removal (value null). */
    public record Keyed<V>(String key, V value) {
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name(name + "-follower").daemon().start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> created = new KafkaConsumer<>(kafka.consumerConfig(null, name))) {
                consumer = created;
                follow(created);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Topic {} unreadable ({}); retrying in {}", topic, e.toString(), retryBackoff);
                pause(retryBackoff);
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = awaitPartitions(consumer);
        consumer.assign(partitions);
        for (TopicPartition partition : partitions) {
            Long position = positions.get(partition);
            if (position == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, position);
            }
        }
        Map<TopicPartition, Long> endAtStart = sink.isCaughtUp() ? Map.of() : consumer.endOffsets(partitions);
        while (running) {
            ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
            if (!records.isEmpty()) {
                sink.apply(decoded(records));
            }
            partitions.forEach(partition -> positions.put(partition, consumer.position(partition)));
            if (!sink.isCaughtUp() && reached(endAtStart)) {
                sink.markCaughtUp();
                log.info("Caught up with {}", topic);
            }
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> consumer) {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            }
            log.info("Waiting for topic {} to exist", topic);
            pause(retryBackoff);
        }
        throw new WakeupException();
    }

    private boolean reached(Map<TopicPartition, Long> endOffsets) {
        return endOffsets.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    private List<Keyed<V>> decoded(ConsumerRecords<String, byte[]> records) {
        List<Keyed<V>> decoded = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                log.warn("Skipping record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            } else if (record.value() == null) {
                decoded.add(new Keyed<>(record.key(), null));
            } else {
                try {
                    decoded.add(new Keyed<>(record.key(), decoder.apply(record.value())));
                } catch (RuntimeException e) {
                    log.warn("Skipping malformed record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                            e.getMessage());
                }
            }
        }
        return decoded;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
