package io.servelink.starter.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.SharedSchemaDatabase;
import io.servelink.starter.TopicProvisioner;
import io.servelink.starter.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against a real PostgreSQL: it claims with a lease and holds no transaction or row lock while Kafka answers,
 * a failed send counts an attempt and comes again after its lease, and each key's events leave in order even with two
 * replicas relaying at once. A {@link MockProducer} whose sends complete only when the test says so plays a stalled or
 * failing broker; the last test publishes to the harness's real broker.
 */
class OutboxRelayIT {

    private static final String TOPIC = "servelink.relay-test.v1";
    /** Long enough for the checks made while a send waits; the lease is longer still. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private static SharedSchemaDatabase db;

    @BeforeAll
    static void database() {
        db = SharedSchemaDatabase.forTestClass(OutboxRelayIT.class);
    }

    @BeforeEach
    void emptyOutbox() {
        db.execute("DELETE FROM event_outbox");
    }

    @Test
    void holdsNoTransactionNorRowLockWhileItWaitsForKafka() throws Exception {
        MockProducer<String, byte[]> kafka = stalledBroker();
        append("a", 1);
        long second = append("b", 1);
        CompletableFuture<Integer> relaying = CompletableFuture.supplyAsync(relay(kafka, 10, Duration.ofSeconds(30))::relayPending);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 1);

        // the first send is waiting for the broker: both rows are leased, and nothing holds them
        assertThat(db.count("SELECT count(*) FROM event_outbox WHERE claimed_until > now() AND claim_token IS NOT NULL")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"))
                .isZero();
        try (Connection other = db.openConnection()) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '500ms'");
                try (ResultSet locked = statement.executeQuery("SELECT id FROM event_outbox ORDER BY id FOR UPDATE NOWAIT")) {
                    assertThat(locked.next()).isTrue();
                }
                assertThat(statement.executeUpdate("UPDATE event_outbox SET last_error = 'touched' WHERE id = " + second)).isOne();
            } finally {
                other.rollback();
            }
        }

        kafka.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 2);
        kafka.completeNext();
        assertThat(relaying.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM event_outbox WHERE published_at IS NULL OR claimed_until IS NOT NULL")).isZero();
        assertThat(headerOf(kafka.history().getFirst().headers().lastHeader("event-id").value())).isNotBlank();
    }

    @Test
    void aFailedSendCountsAnAttemptAndComesAgainAfterItsLeaseBeforeTheLaterEventsOfItsKey() throws Exception {
        MockProducer<String, byte[]> kafka = stalledBroker();
        long a1 = append("a", 1);
        append("a", 2);
        append("b", 1);
        OutboxRelay relay = new OutboxRelay(db.client(), db.transactions(), kafka, Duration.ofSeconds(2),
                settings(10, Duration.ofSeconds(5)), new SimpleMeterRegistry());

        CompletableFuture<Integer> failing = CompletableFuture.supplyAsync(relay::relayPending);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 1);
        kafka.errorNext(new NetworkException("broker unreachable"));
        assertThat(failing.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(db.query("SELECT attempts, last_error, claimed_until > now() AS leased, published_at FROM event_outbox WHERE id = ?", a1))
                .singleElement().satisfies(row -> {
                    assertThat(row).containsEntry("attempts", 1).containsEntry("leased", true).containsEntry("published_at", null);
                    assertThat((String) row.get("last_error")).contains("broker unreachable");
                });
        assertThat(db.count("SELECT count(*) FROM event_outbox WHERE id <> ? AND claimed_until IS NULL AND attempts = 0", a1))
                .as("the rows after it are released unsent").isEqualTo(2);

        // while a:1 waits for its lease, b:1 goes, and a:2 stays behind a:1
        CompletableFuture<Integer> next = CompletableFuture.supplyAsync(relay::relayPending);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 2);
        kafka.completeNext();
        assertThat(next.get(10, TimeUnit.SECONDS)).isOne();
        assertThat(sent(kafka)).containsExactly("a:1", "b:1");

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM event_outbox WHERE id = ? AND claimed_until <= now()", a1) == 1);
        CompletableFuture<Integer> retry = CompletableFuture.supplyAsync(relay::relayPending);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 3);
        kafka.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 4);
        kafka.completeNext();
        assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(sent(kafka)).containsExactly("a:1", "b:1", "a:1", "a:2");
        assertThat(db.count("SELECT count(*) FROM event_outbox WHERE published_at IS NULL")).isZero();
        assertThat(db.count("SELECT attempts FROM event_outbox WHERE id = ?", a1)).isOne();
    }

    @Test
    void aSecondReplicaSendsOtherKeysWhileTheFirstIsStillSendingOne() throws Exception {
        MockProducer<String, byte[]> stalled = stalledBroker();
        MockProducer<String, byte[]> prompt = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        append("a", 1);
        append("b", 1);
        append("a", 2);
        append("b", 2);
        append("c", 1);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(relay(stalled, 2, Duration.ofSeconds(30))::relayPending);
        await().atMost(Duration.ofSeconds(10)).until(() -> stalled.history().size() == 1);

        assertThat(relay(prompt, 10, Duration.ofSeconds(30)).relayPending()).isOne();
        assertThat(sent(prompt)).containsExactly("c:1");

        for (int sends = 1; sends <= 4; sends++) {
            int expected = sends;
            await().atMost(Duration.ofSeconds(10)).until(() -> stalled.history().size() == expected);
            stalled.completeNext();
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(sent(stalled)).containsExactly("a:1", "b:1", "a:2", "b:2");
    }

    @Test
    void twoReplicasPublishEveryEventToTheBrokerInTheOrderOfItsKey() throws Exception {
        KafkaClients kafka = KafkaClients.of(db.infrastructure().kafka().bootstrapServers(),
                new KafkaSettings(db.infrastructure().topicNamespace(), "outbox-relay-it", Duration.ofSeconds(10), true, 3));
        TopicProvisioner.createMissing(kafka, 3);
        String topic = kafka.topics().payments();
        List<String> keys = List.of("k1", "k2", "k3", "k4");
        for (int n = 1; n <= 15; n++) {
            for (String key : keys) {
                append(topic, key, n);
            }
        }
        OutboxSettings settings = settings(7, Duration.ofMinutes(1));
        OutboxRelay one = new OutboxRelay(db.client(), db.transactions(), kafka, settings, new SimpleMeterRegistry());
        OutboxRelay two = new OutboxRelay(db.client(), db.transactions(), kafka, settings, new SimpleMeterRegistry());
        try {
            CompletableFuture<Integer> byOne = CompletableFuture.supplyAsync(() -> relayUntilEmpty(one));
            CompletableFuture<Integer> byTwo = CompletableFuture.supplyAsync(() -> relayUntilEmpty(two));
            assertThat(byOne.get(60, TimeUnit.SECONDS) + byTwo.get(60, TimeUnit.SECONDS)).isEqualTo(60);
        } finally {
            one.stop();
            two.stop();
        }

        Map<String, List<Integer>> received = new LinkedHashMap<>();
        Set<String> eventIds = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumerConfig(null, "relay-it"))) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    received.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(numberOf(record.value()));
                    eventIds.add(headerOf(record.headers().lastHeader("event-id").value()));
                }
                return eventIds.size() == 60;
            });
        }
        List<Integer> inOrder = IntStream.rangeClosed(1, 15).boxed().toList();
        assertThat(received).containsOnlyKeys(keys).allSatisfy((key, numbers) -> assertThat(numbers).as(key).isEqualTo(inOrder));
    }

    private static int relayUntilEmpty(OutboxRelay relay) {
        int published = 0;
        while (db.count("SELECT count(*) FROM event_outbox WHERE published_at IS NULL") > 0) {
            int round = relay.relayPending();
            published += round;
            if (round == 0) {
                Thread.onSpinWait();
            }
        }
        return published;
    }

    private static MockProducer<String, byte[]> stalledBroker() {
        return new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    }

    private static OutboxRelay relay(MockProducer<String, byte[]> kafka, int batchSize, Duration lease) {
        return new OutboxRelay(db.client(), db.transactions(), kafka, SEND_TIMEOUT, settings(batchSize, lease), new SimpleMeterRegistry());
    }

    private static OutboxSettings settings(int batchSize, Duration lease) {
        return new OutboxSettings(true, Duration.ofMillis(500), batchSize, 20, lease, Duration.ofDays(7), 1000);
    }

    private static long append(String key, int n) {
        return append(TOPIC, key, n);
    }

    private static long append(String topic, String key, int n) {
        return db.count("INSERT INTO event_outbox (event_id, topic, event_key, payload) VALUES (?, ?, ?, CAST(? AS jsonb)) RETURNING id",
                UUID.randomUUID(), topic, key, "{\"n\": " + n + "}");
    }

    /** "key:n" of every record the producer was given, in order. */
    private static List<String> sent(MockProducer<String, byte[]> kafka) {
        return kafka.history().stream().map(record -> record.key() + ":" + numberOf(record.value())).toList();
    }

    private static int numberOf(byte[] payload) {
        String json = new String(payload, StandardCharsets.UTF_8);
        return Integer.parseInt(json.replaceAll("\\D", ""));
    }

    private static String headerOf(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
