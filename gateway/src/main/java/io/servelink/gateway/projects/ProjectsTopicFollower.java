package io.servelink.gateway.projects;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.starter.KafkaSettings;
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
import org.springframework.stereotype.Component;

/**
 * Reads the compacted projects topic into the {@link ProjectsRegistry}: every partition assigned, from the
 * beginning, without a consumer group (each replica needs all projects), then follows new records. The registry
 * counts as caught up once the positions reach the end offsets taken at start. After a Kafka error it reconnects
 * and resumes from the positions it had, so a removal whose tombstone was compacted away meanwhile is not missed.
 */
@Component
class ProjectsTopicFollower implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProjectsTopicFollower.class);

    private final ProjectsRegistry registry;
    private final KafkaClients kafka;
    private final String topic;
    private final EventCodec codec;
    private final ProjectsSettings settings;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    ProjectsTopicFollower(ProjectsRegistry registry, KafkaClients kafka, TopicNames topics, EventCodec codec,
                          ProjectsSettings settings) {
        this.registry = registry;
        this.kafka = kafka;
        this.topic = topics.projects();
        this.codec = codec;
        this.settings = settings;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("projects-topic-follower").daemon().start(this::run);
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
            try (KafkaConsumer<String, byte[]> created = new KafkaConsumer<>(kafka.consumerConfig(null, "projects-registry"))) {
                consumer = created;
                follow(created);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Projects topic {} unreadable ({}); retrying in {}", topic, e.toString(), settings.retryBackoff());
                pause(settings.retryBackoff());
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
        Map<TopicPartition, Long> endAtStart = registry.isCaughtUp() ? Map.of() : consumer.endOffsets(partitions);
        while (running) {
            ConsumerRecords<String, byte[]> records = consumer.poll(settings.pollTimeout());
            registry.apply(changes(records));
            partitions.forEach(partition -> positions.put(partition, consumer.position(partition)));
            if (!registry.isCaughtUp() && reached(endAtStart)) {
                registry.markCaughtUp();
                log.info("Projects registry caught up with {}: {} projects", topic, registry.all().size());
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
            pause(settings.retryBackoff());
        }
        throw new WakeupException();
    }

    private boolean reached(Map<TopicPartition, Long> endOffsets) {
        return endOffsets.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    private List<ProjectsRegistry.Change> changes(ConsumerRecords<String, byte[]> records) {
        List<ProjectsRegistry.Change> changes = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null) {
                log.warn("Skipping projects record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            } else if (record.value() == null) {
                changes.add(new ProjectsRegistry.Change(record.key(), null));
            } else {
                try {
                    ProjectChanged changed = codec.decode(record.value(), ProjectChanged.class).payload();
                    changes.add(new ProjectsRegistry.Change(record.key(), Project.from(changed)));
                } catch (EventCodec.MalformedEventException | IllegalArgumentException | NullPointerException e) {
                    log.warn("Skipping malformed projects record at {}-{}@{}: {}", record.topic(), record.partition(),
                            record.offset(), e.getMessage());
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
