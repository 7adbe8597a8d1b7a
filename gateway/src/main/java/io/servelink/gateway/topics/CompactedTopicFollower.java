package io.servelink.gateway.topics;

import io.servelink.contracts.events.EventCodec;
import io.servelink.starter.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Reads a compacted topic into a {@link View}: every partition assigned, from the beginning, without a consumer group
 * (each replica needs every key), then follows new records. The view counts as caught up once the positions reach
 * the end offsets taken at start. After a Kafka error the follower reconnects and resumes from the positions it had,
 * so a removal whose tombstone was compacted away meanwhile is not missed.
 *
 * @param <V> what a record's value decodes to
 */
public final class CompactedTopicFollower<V> implements SmartLifecycle {

    /** Turns a record's value into what the view keeps; throws on a malformed value (the record is skipped). */
    @FunctionalInterface
    public interface Decoder<V> {
        V decode(byte[] value);
    }

    /** What the follower feeds: batches of changes in topic order, and the moment it has read the topic to its end once. */
    public interface View<V> {

        void apply(List<Change<V>> changes);

        void markCaughtUp();

        boolean isCaughtUp();
    }

    /** One record: a key's new value, or its removal ({@code value} null, a tombstone). */
    public record Change<V>(String key, V value) {
    }

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicFollower.class);

    private final String name;
    private final KafkaClients kafka;
    private final String topic;
    private final Decoder<V> decoder;
    private final View<V> view;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param name         the follower's name: its consumer's client id suffix and thread name
     * @param pollTimeout  longest wait of one poll (changes apply within about this time)
     * @param retryBackoff pause before reconnecting after a Kafka error
     */
    public CompactedTopicFollower(String name, KafkaClients kafka, String topic, Decoder<V> decoder, View<V> view,
                                  Duration pollTimeout, Duration retryBackoff) {
        this.name = name;
        this.kafka = kafka;
        this.topic = topic;
        this.decoder = decoder;
        this.view = view;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
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
        Map<TopicPartition, Long> endAtStart = view.isCaughtUp() ? Map.of() : consumer.endOffsets(partitions);
        while (running) {
            ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
            List<Change<V>> changes = changes(records);
            if (!changes.isEmpty()) {
                view.apply(changes);
            }
            partitions.forEach(partition -> positions.put(partition, consumer.position(partition)));
            if (!view.isCaughtUp() && reached(endAtStart)) {
                view.markCaughtUp();
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

    private List<Change<V>> changes(ConsumerRecords<String, byte[]> records) {
        List<Change<V>> changes = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                log.warn("Skipping record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            } else if (record.value() == null) {
                changes.add(new Change<>(record.key(), null));
            } else {
                try {
                    changes.add(new Change<>(record.key(), decoder.decode(record.value())));
                } catch (EventCodec.MalformedEventException | IllegalArgumentException | NullPointerException e) {
                    log.warn("Skipping malformed record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                            e.getMessage());
                }
            }
        }
        return changes;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
