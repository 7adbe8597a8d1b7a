package io.servelink.resources;

import io.servelink.infra.test.TestClock;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.starter.outbox.OutboxRelay;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The harness of resources-service's integration tests: the service on real PostgreSQL and Kafka, WireMock playing
 * payment-service, a clock the test moves, a producer of payment events and a reader of the entitlements topic.
 */
@ServiceIT
@Import(ResourcesITSupport.ClockConfiguration.class)
@TestPropertySource(properties = {
        "servelink.jobs.enabled=false",
        "resilience4j.timelimiter.instances.payments.timeout-duration=2s"})
public abstract class ResourcesITSupport {

    public static final Instant START = Instant.parse("2030-01-10T05:00:00Z");
    protected static final WireMockServer PAYMENT_SERVICE = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        PAYMENT_SERVICE.start();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ClockConfiguration {
        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock(START);
        }
    }

    @DynamicPropertySource
    static void paymentService(DynamicPropertyRegistry registry) {
        registry.add("servelink.resources.payment-url", PAYMENT_SERVICE::baseUrl);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected TestInfrastructure infra;
    @Autowired
    protected TestClock clock;
    @Autowired
    protected OutboxRelay relay;
    @Autowired
    protected CircuitBreakerRegistry circuitBreakers;

    protected final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> entitlementsReader;
    private final Map<String, List<EntitlementsChanged>> snapshots = new HashMap<>();

    @BeforeEach
    void resetPeers() {
        clock.set(START);
        PAYMENT_SERVICE.resetAll();
        circuitBreakers.circuitBreaker("payments").reset();
        stubInitiate("pay-1", Map.of("type", "redirect", "url", "https://pay.example/checkout/1"));
    }

    @AfterEach
    void closeClients() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (entitlementsReader != null) {
            entitlementsReader.close(Duration.ofSeconds(5));
            entitlementsReader = null;
        }
    }

    protected WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    protected static String bearer(String token) {
        return "Bearer " + token;
    }

    protected static String ownerOf(String team) {
        return TestTokens.owner(team);
    }

    /** payment-service answers every initiate with this payment. */
    protected static void stubInitiate(String paymentId, Map<String, Object> nextAction) {
        String next = nextAction.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .reduce((a, b) -> a + "," + b).orElse("");
        PAYMENT_SERVICE.stubFor(post(urlPathMatching("/api/payments/[^/]+/initiate"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"payment_id\":\"" + paymentId + "\",\"status\":\"pending\",\"next_action\":{" + next + "}}")));
    }

    /** Buys an add-on as the team's owner (payment-service stubbed) and returns its id. */
    protected String purchase(String team, String resourceType, int quantity) {
        return client().post().uri("/api/resources/{team}/purchase", team)
                .header("Authorization", bearer(ownerOf(team)))
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", resourceType, "quantity", quantity, "payment_method", "credit_card"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody()
                .get("addon") instanceof Map<?, ?> addon ? (String) addon.get("id") : null;
    }

    /** Buys an add-on and completes its payment; returns its id once it is active. */
    protected String activeAddon(String team, String resourceType, int quantity) {
        String id = purchase(team, resourceType, quantity);
        awaitProcessed(publishCompleted(team, PaymentPurpose.ADDON, "addon:" + id, "pay-" + id));
        return id;
    }

    // ---- payment events ----

    protected UUID publishCompleted(String team, PaymentPurpose purpose, String reference, String paymentId) {
        return publish(team, EventEnvelope.of(new PaymentCompleted(paymentId, team, purpose, reference, 100, "EUR",
                "credit_card", clock.instant()), clock.instant()));
    }

    protected UUID publishFailed(String team, PaymentPurpose purpose, String reference, String paymentId) {
        return publish(team, EventEnvelope.of(new PaymentFailed(paymentId, team, purpose, reference, 100, "EUR",
                "declined", clock.instant()), clock.instant()));
    }

    protected UUID publishCancelled(String team, PaymentPurpose purpose, String reference, String paymentId) {
        return publish(team, EventEnvelope.of(new PaymentCancelled(paymentId, team, purpose, reference, 100, "EUR",
                clock.instant()), clock.instant()));
    }

    /** Publishes an envelope (again, for redelivery tests) and returns its event id. */
    protected UUID publish(String team, EventEnvelope<?> envelope) {
        try {
            producer().send(new ProducerRecord<>(infra.topics().payments(), team, codec.encode(envelope))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return envelope.eventId();
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    /** Waits until the consumer has stored the effect of these events. */
    protected void awaitProcessed(UUID... eventIds) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (UUID id : eventIds) {
                if (count("SELECT count(*) FROM processed_events WHERE event_id = ?", id) == 0) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Makes the team Pro through a completed plan_upgrade payment, as in production. */
    protected void makePro(String team) {
        awaitProcessed(publishCompleted(team, PaymentPurpose.PLAN_UPGRADE, "plan:pro", "pay-pro-" + team));
    }

    // ---- entitlements topic ----

    /** Every snapshot published for the team so far, in topic order (relays the outbox first). */
    protected List<EntitlementsChanged> snapshotsOf(String team) {
        relay.relayPending();
        KafkaConsumer<String, byte[]> reader = entitlementsReader();
        for (int emptyPolls = 0; emptyPolls < 2; ) {
            var records = reader.poll(Duration.ofMillis(300));
            if (records.isEmpty()) {
                emptyPolls++;
            }
            for (ConsumerRecord<String, byte[]> record : records) {
                EntitlementsChanged event = codec.decode(record.value(), EntitlementsChanged.class).payload();
                snapshots.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event);
            }
        }
        return List.copyOf(snapshots.getOrDefault(team, List.of()));
    }

    protected EntitlementsChanged lastSnapshotOf(String team) {
        List<EntitlementsChanged> all = snapshotsOf(team);
        return all.isEmpty() ? null : all.getLast();
    }

    private KafkaConsumer<String, byte[]> entitlementsReader() {
        if (entitlementsReader == null) {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers());
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            entitlementsReader = new KafkaConsumer<>(config);
            String topic = infra.topics().entitlements();
            List<TopicPartition> partitions = entitlementsReader.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            entitlementsReader.assign(partitions);
            entitlementsReader.seekToBeginning(partitions);
            snapshots.clear();
        }
        return entitlementsReader;
    }

    // ---- database ----

    protected long count(String sql, Object... args) throws SQLException {
        return ((Number) queryOne(sql, args).values().iterator().next()).longValue();
    }

    protected Map<String, Object> queryOne(String sql, Object... args) throws SQLException {
        List<Map<String, Object>> rows = query(sql, args);
        return rows.isEmpty() ? null : rows.getFirst();
    }

    protected List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        return infra.query(sql, args);
    }

    protected static Instant instant(Object timestamp) {
        return switch (timestamp) {
            case java.sql.Timestamp t -> t.toInstant();
            case java.time.OffsetDateTime t -> t.toInstant();
            case null -> null;
            default -> throw new IllegalArgumentException("not a timestamp: " + timestamp);
        };
    }

    protected void execute(String sql, Object... args) throws SQLException {
        try (Connection connection = infra.openConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.executeUpdate();
        }
    }
}
