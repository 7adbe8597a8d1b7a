package io.servelink.gateway;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every {@code TrafficRecorded} of a test's traffic topic with a plain consumer and adds them up per project.
 * It reads committed records only, as usage-service does: the gateway publishes them in Kafka transactions.
 */
final class TrafficTopic implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec = new EventCodec();
    private final Map<String, Totals> totals = new HashMap<>();
    private final Set<UUID> eventIds = new HashSet<>();
    private final List<UUID> duplicates = new ArrayList<>();

    TrafficTopic(GatewayIT.TestKafka kafka) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        String topic = kafka.topics().traffic();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything counted for a project so far (reads what arrived since the last call). */
    synchronized Totals totals(String projectId) {
        ConsumerRecords<String, byte[]> records;
        do {
            records = consumer.poll(Duration.ofMillis(100));
            for (ConsumerRecord<String, byte[]> record : records) {
                EventEnvelope<TrafficRecorded> event = codec.decode(record.value(), TrafficRecorded.class);
                if (!eventIds.add(event.eventId())) {
                    duplicates.add(event.eventId());
                }
                if (!event.payload().projectId().equals(record.key())) {
                    throw new AssertionError("record key " + record.key() + " is not the project " + event.payload().projectId());
                }
                totals.merge(record.key(), Totals.of(event.payload()), Totals::plus);
            }
        } while (!records.isEmpty());
        return totals.getOrDefault(projectId, Totals.NONE);
    }

    synchronized List<UUID> duplicateEventIds() {
        return List.copyOf(duplicates);
    }

    @Override
    public void close() {
        consumer.close();
    }

    record Totals(long requestBytes, long responseBytes, long requests) {

        static final Totals NONE = new Totals(0, 0, 0);

        static Totals of(TrafficRecorded event) {
            return new Totals(event.requestBytes(), event.responseBytes(), event.requests());
        }

        Totals plus(Totals other) {
            return new Totals(requestBytes + other.requestBytes, responseBytes + other.responseBytes, requests + other.requests);
        }
    }
}
