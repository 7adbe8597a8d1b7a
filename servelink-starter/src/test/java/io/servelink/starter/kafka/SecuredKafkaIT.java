package io.servelink.starter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servelink.starter.KafkaClients;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.SharedSchemaDatabase;
import io.servelink.starter.TopicProvisioner;
import io.servelink.starter.outbox.OutboxRelay;
import io.servelink.starter.outbox.OutboxSettings;
import io.servelink.infra.InJvmKafkaBroker;
import io.servelink.infra.KafkaBrokers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.AuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import reactor.core.publisher.Mono;

/**
 * A broker that authenticates clients with SASL/SCRAM-SHA-256: the suite's admin client (topic provisioning), the
 * outbox relay's producer and a batch consumer connect to it with nothing but configuration keys, bound as Spring
 * Boot binds them; a wrong password is refused.
 */
class SecuredKafkaIT {

    private static final String USER = "servelink-it";
    private static final String PASSWORD = "scram-" + UUID.randomUUID();

    private static InJvmKafkaBroker broker;
    private static SharedSchemaDatabase db;

    @BeforeAll
    static void start() {
        broker = KafkaBrokers.inJvmWithScram();
        broker.addScramUser(USER, PASSWORD);
        db = SharedSchemaDatabase.forTestClass(SecuredKafkaIT.class);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theRelayPublishesAndABatchConsumerConsumesThroughTheScramListener() {
        KafkaClients kafka = clients(PASSWORD);
        TopicProvisioner.createMissing(kafka, 1);
        String topic = kafka.topics().payments();
        for (int n = 1; n <= 5; n++) {
            db.count("INSERT INTO event_outbox (event_id, topic, event_key, payload) VALUES (?, ?, ?, CAST(? AS jsonb)) RETURNING id",
                    UUID.randomUUID(), topic, "k", "{\"n\": " + n + "}");
        }
        OutboxRelay relay = new OutboxRelay(db.client(), db.transactions(), kafka,
                new OutboxSettings(true, Duration.ofMillis(500), 10, 20, Duration.ofMinutes(1), Duration.ofDays(7), 1000),
                new SimpleMeterRegistry());
        assertThat(relay.relayPending()).isEqualTo(5);

        List<String> received = new CopyOnWriteArrayList<>();
        KafkaBatchConsumer consumer = new KafkaBatchConsumer("secured", kafka, "secured-it", List.of(topic), 10,
                records -> Mono.fromRunnable(() -> records.forEach(r -> received.add(new String(r.value(), StandardCharsets.UTF_8)))),
                new SimpleMeterRegistry());
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received).hasSize(5));
            assertThat(received).allSatisfy(value -> assertThat(value).contains("\"n\""));
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        KafkaClients wrong = clients("not-" + PASSWORD);

        assertThatThrownBy(() -> TopicProvisioner.createMissing(wrong, 1)).hasRootCauseInstanceOf(AuthenticationException.class);
    }

    /** Clients from configuration keys only, bound as a service binds them. */
    private static KafkaClients clients(String password) {
        Map<String, String> configuration = Map.of(
                "spring.kafka.bootstrap-servers", broker.saslBootstrapServers(),
                "spring.kafka.security.protocol", "SASL_PLAINTEXT",
                "spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-256",
                "spring.kafka.properties.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"" + USER + "\" password=\"" + password + "\";",
                "servelink.kafka.topic-namespace", db.infrastructure().topicNamespace(),
                "servelink.kafka.client-id-prefix", "secured-it",
                "servelink.kafka.request-timeout", "5s");
        Binder binder = new Binder(new MapConfigurationPropertySource(configuration));
        return new KafkaClients(binder.bind("spring.kafka", KafkaProperties.class).get(),
                binder.bindOrCreate("servelink.kafka", KafkaSettings.class));
    }
}
