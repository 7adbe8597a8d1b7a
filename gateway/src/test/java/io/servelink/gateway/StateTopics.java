package io.servelink.gateway;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.activity.ProjectSleepState;
import io.servelink.contracts.events.activity.ProjectWakeRequested;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes what the gateway follows (projects, team usage states, sleep states) as their publishers do, and reads
 * back the wake requests the gateway publishes, with plain Kafka clients on a test's topics.
 */
final class StateTopics implements AutoCloseable {

    private final EventCodec codec = new EventCodec();
    private final TopicNames topics;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> wakeRequests;
    private final List<ConsumerRecord<String, ProjectWakeRequested>> received = new ArrayList<>();

    StateTopics(GatewayIT.TestKafka kafka) {
        this.topics = kafka.topics();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        this.wakeRequests = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        String topic = topics.projectWakeRequests();
        List<TopicPartition> partitions = wakeRequests.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        wakeRequests.assign(partitions);
        wakeRequests.seekToBeginning(partitions);
    }

    void project(String projectId, String teamSlug, String host, String upstream) {
        send(topics.projects(), projectId, new ProjectChanged(projectId, teamSlug, List.of(host), URI.create(upstream), ProjectStatus.ACTIVE));
    }

    void teamState(String teamSlug, YearMonth period, boolean trafficBlocked, long version) {
        long limit = 1_000_000_000L;
        send(topics.teamUsageState(), teamSlug, new TeamUsageState(teamSlug, period.toString(), "free", TrafficPolicy.STOP, 100,
                trafficBlocked ? limit : limit / 2, limit, trafficBlocked, 0, 1_000_000_000L, false, Instant.now(), version));
    }

    void sleepState(String projectId, String teamSlug, boolean asleep, long version) {
        send(topics.projectSleep(), projectId, new ProjectSleepState(projectId, teamSlug, asleep, Instant.now(), version));
    }

    /** Every wake request published so far, in the order read. */
    synchronized List<ConsumerRecord<String, ProjectWakeRequested>> wakeRequests() {
        for (ConsumerRecord<String, byte[]> record : wakeRequests.poll(Duration.ofMillis(200))) {
            received.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(),
                    codec.decode(record.value(), ProjectWakeRequested.class).payload()));
        }
        return List.copyOf(received);
    }

    synchronized List<ProjectWakeRequested> wakeRequestsFor(String projectId) {
        return wakeRequests().stream().filter(record -> projectId.equals(record.key())).map(ConsumerRecord::value).toList();
    }

    private void send(String topic, String key, io.servelink.contracts.events.Event payload) {
        try {
            producer.send(new ProducerRecord<>(topic, key, codec.encode(EventEnvelope.of(payload, Instant.now())))).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close();
        wakeRequests.close();
    }
}
