package io.servelink.starter;

import io.servelink.contracts.events.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kafka connection settings shared by every service ({@code servelink.kafka.*}). Keys are strings, values
 * are the bytes of the event codec.
 *
 * @param bootstrapServers broker list
 * @param topicNamespace   prefix of every topic name; empty in production, per test class in tests
 * @param clientIdPrefix   client ids start with it (the service name), so broker metrics say who is who
 * @param requestTimeout   upper bound of a single broker request
 * @param provisionTopics  create missing topics at start-up (local stack, tests; Kubernetes uses KafkaTopic resources)
 * @param partitions       partitions of provisioned topics
 */
@ConfigurationProperties("servelink.kafka")
public record KafkaSettings(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue("") String topicNamespace,
        @DefaultValue("servelink") String clientIdPrefix,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("false") boolean provisionTopics,
        @DefaultValue("3") int partitions) {

    public TopicNames topics() {
        return new TopicNames(topicNamespace);
    }

    /** Producer settings: idempotent, all replicas acknowledge, bounded blocking. */
    public Map<String, Object> producerConfig(String clientSuffix) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + clientSuffix);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis() * 3);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, requestTimeout.toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return config;
    }

    /** Consumer settings: manual commits after the effect is stored, reading from the earliest offset. */
    public Map<String, Object> consumerConfig(String groupId, String clientSuffix) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + clientSuffix);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, topicNamespace.isEmpty() ? groupId : topicNamespace + "." + groupId);
        }
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
        return config;
    }
}
