package io.servelink.starter;

import io.servelink.contracts.events.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The client properties of every Kafka producer, consumer and admin client the suite builds. Each is made of
 * three layers, later ones winning:
 * <ol>
 *   <li>the suite's defaults (client id, timeouts from {@code servelink.kafka.request-timeout}, linger, reading
 *       from the earliest offset), which configuration may override;</li>
 *   <li>Spring Boot's {@code spring.kafka.*}: bootstrap servers, {@code security.protocol}, {@code ssl.*},
 *       {@code properties.*} (any client property, e.g. {@code sasl.mechanism}, {@code sasl.jaas.config}) and the
 *       per-client {@code producer.*}, {@code consumer.*} and {@code admin.*} keys;</li>
 *   <li>what correctness needs, which configuration cannot change: serializers of the event codec's bytes,
 *       idempotent producers acknowledged by all replicas, consumers that read committed records and commit
 *       offsets only after the effect is stored, and the consumer group (namespaced with the topics).</li>
 * </ol>
 */
public final class KafkaClients {

    private final Map<String, Object> producer;
    private final Map<String, Object> consumer;
    private final Map<String, Object> admin;
    private final KafkaSettings settings;

    public KafkaClients(KafkaProperties boot, KafkaSettings settings) {
        this(boot.buildProducerProperties(), boot.buildConsumerProperties(), boot.buildAdminProperties(), settings);
    }

    private KafkaClients(Map<String, Object> producer, Map<String, Object> consumer, Map<String, Object> admin,
                         KafkaSettings settings) {
        this.producer = Map.copyOf(producer);
        this.consumer = Map.copyOf(consumer);
        this.admin = Map.copyOf(admin);
        this.settings = settings;
    }

    /** Clients of a plain broker at {@code bootstrapServers} (tools and tests outside a Spring context). */
    public static KafkaClients of(String bootstrapServers, KafkaSettings settings) {
        KafkaProperties boot = new KafkaProperties();
        boot.getBootstrapServers().clear();
        boot.getBootstrapServers().add(bootstrapServers);
        return new KafkaClients(boot, settings);
    }

    public KafkaSettings settings() {
        return settings;
    }

    public TopicNames topics() {
        return settings.topics();
    }

    public Duration requestTimeout() {
        return settings.requestTimeout();
    }

    /** A producer's properties: idempotent, all replicas acknowledge, bounded blocking. */
    public Map<String, Object> producerConfig(String clientSuffix) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId(clientSuffix));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout().toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) requestTimeout().toMillis() * 3);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, requestTimeout().toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(producer);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }

    /**
     * A consumer's properties: manual commits after the effect is stored, read-committed, from the earliest offset
     * unless configured otherwise.
     *
     * @param groupId the consumer group (prefixed with the topic namespace), or null for an assigned consumer
     */
    public Map<String, Object> consumerConfig(String groupId, String clientSuffix) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId(clientSuffix));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout().toMillis());
        config.putAll(consumer);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        if (groupId != null) {
            String namespace = settings.topicNamespace();
            config.put(ConsumerConfig.GROUP_ID_CONFIG, namespace.isEmpty() ? groupId : namespace + "." + groupId);
        }
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** An admin client's properties. */
    public Map<String, Object> adminConfig(String clientSuffix) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId(clientSuffix));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout().toMillis());
        config.putAll(admin);
        return config;
    }

    private String clientId(String clientSuffix) {
        return settings.clientIdPrefix() + "-" + clientSuffix;
    }
}
