package io.servelink.infra.test;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes and reads events on a test's broker, as the other services would. */
public final class TestKafka implements AutoCloseable {

    private final String bootstrapServers;
    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;

    public TestKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all"));
    }

    public static TestKafka of(TestInfrastructure infrastructure) {
        return new TestKafka(infrastructure.kafka().bootstrapServers());
    }

    /** Publishes a payload in a fresh envelope and waits for the broker's acknowledgement; returns the envelope. */
    public <T extends Event> EventEnvelope<T> publish(String topic, String key, T payload) {
        EventEnvelope<T> envelope = EventEnvelope.of(UUID.randomUUID(), payload, Instant.now());
        publish(topic, key, envelope);
        return envelope;
    }

    /** Publishes an envelope as is (to redeliver the same event id). */
    public void publish(String topic, String key, EventEnvelope<?> envelope) {
        send(topic, key, codec.encode(envelope));
    }

    /** Publishes raw bytes, or a tombstone when {@code value} is null. */
    public void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish to " + topic, e);
        }
    }

    /**
     * Reads every record the topic holds now, from the beginning to the end offsets it has when called (committed
     * records only), without joining a consumer group. A test that waits for records calls it inside its wait.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " up to " + ends);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Reads the topic's events of one payload type (skipping tombstones and other types). */
    public <T extends Event> List<EventEnvelope<T>> readEvents(String topic, Class<T> type) {
        List<EventEnvelope<T>> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(topic)) {
            if (record.value() == null) {
                continue;
            }
            try {
                events.add(codec.decode(record.value(), type));
            } catch (EventCodec.MalformedEventException e) {
                // another payload type on the same topic
            }
        }
        return events;
    }

    /**
     * Whether consumer group {@code groupId} has committed, on every partition of {@code topic}, the offset after the last
     * record now in it: everything published so far was consumed and its effect stored (the suite's consumers commit
     * after the effect). A test waits for this instead of waiting a while to see that nothing more happens.
     */
    public boolean consumedAll(String groupId, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return partitions.stream().allMatch(p -> ends.get(p) == 0
                    || (committed.get(p) != null && committed.get(p).offset() >= ends.get(p)));
        } catch (Exception e) {
            throw new IllegalStateException("Could not read the progress of " + groupId + " on " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
