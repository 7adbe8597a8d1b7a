package io.servelink.starter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servelink.infra.test.TestKafka;
import io.servelink.starter.KafkaClients;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.SharedSchemaDatabase;
import io.servelink.starter.outbox.ProcessedEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The batch consumer on the harness's real broker and PostgreSQL: a failed batch is read again and never skipped, an
 * event id recorded with its effect makes the redelivery harmless, a positioned handler reads from its stored positions
 * whatever the group committed, and a new member of the group starts after the last committed batch.
 */
class KafkaBatchConsumerIT {

    private static SharedSchemaDatabase db;
    private static KafkaClients kafka;
    private static TestKafka producer;

    @BeforeAll
    static void start() {
        db = SharedSchemaDatabase.forTestClass(KafkaBatchConsumerIT.class);
        db.execute("CREATE TABLE effects (name text PRIMARY KEY, applied bigint NOT NULL)");
        db.execute("CREATE TABLE positions (topic text, part int, next_offset bigint NOT NULL, PRIMARY KEY (topic, part))");
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "spring.kafka.bootstrap-servers", db.infrastructure().kafka().bootstrapServers(),
                "servelink.kafka.topic-namespace", db.infrastructure().topicNamespace(),
                "servelink.kafka.client-id-prefix", "batch-consumer-it",
                "servelink.kafka.request-timeout", "5s")));
        kafka = new KafkaClients(binder.bind("spring.kafka", KafkaProperties.class).orElseGet(KafkaProperties::new),
                binder.bindOrCreate("servelink.kafka", KafkaSettings.class));
        producer = TestKafka.of(db.infrastructure());
    }

    @AfterAll
    static void stop() {
        producer.close();
    }

    @Test
    void aFailedBatchIsReadAgainAndEachEventTakesEffectOnce() {
        String topic = topic("redelivered");
        send(topic, 20);
        ProcessedEvents processed = new ProcessedEvents(db.client());
        AtomicInteger calls = new AtomicInteger();
        // The first batch's effect is stored, then the handler fails as a crash before the commit would: it comes again.
        KafkaBatchConsumer consumer = consumer(topic, "redelivered", 5, records -> Flux.fromIterable(records)
                .concatMap(record -> processed.firstDelivery("it", eventId(record))
                        .flatMap(first -> first ? db.client().sql("INSERT INTO effects VALUES ('redelivered', 1) "
                                + "ON CONFLICT (name) DO UPDATE SET applied = effects.applied + 1").then() : Mono.empty()))
                .then()
                .as(db.transactions()::transactional)
                .then(Mono.defer(() -> calls.incrementAndGet() == 1 ? Mono.error(new IllegalStateException("lost before commit")) : Mono.empty())));
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> applied("redelivered") == 20);
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM processed_events WHERE consumer = 'it'") == 20);
            assertThat(calls.get()).as("the failed batch was handled again").isGreaterThan(4);
            assertThat(applied("redelivered")).isEqualTo(20);
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aPositionedHandlerReadsFromItsStoredPositionsWhateverTheGroupCommitted() {
        String topic = topic("positioned");
        send(topic, 10);
        db.execute("INSERT INTO positions VALUES (?, 0, 6)", topic);
        List<Long> offsets = new CopyOnWriteArrayList<>();
        KafkaBatchConsumer consumer = consumer(topic, "positioned-" + UUID.randomUUID(), 100, new KafkaBatchConsumer.PositionedBatchHandler() {
            @Override
            public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
                records.forEach(record -> offsets.add(record.offset()));
                long next = records.getLast().offset() + 1;
                return db.client().sql("UPDATE positions SET next_offset = :next WHERE topic = :topic AND part = 0")
                        .bind("next", next).bind("topic", topic).then();
            }

            @Override
            public Mono<Map<TopicPartition, Long>> positions(Collection<TopicPartition> partitions) {
                return db.client().sql("SELECT next_offset FROM positions WHERE topic = :topic AND part = 0").bind("topic", topic)
                        .map(row -> row.get("next_offset", Long.class)).one()
                        .map(next -> Map.of(new TopicPartition(topic, 0), next));
            }
        });
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> offsets.size() >= 4);
            await().atMost(Duration.ofSeconds(5)).until(() -> db.count("SELECT next_offset FROM positions WHERE topic = ?", topic) == 10);
            assertThat(offsets).containsExactly(6L, 7L, 8L, 9L);
        } finally {
            consumer.stop();
        }
    }

    @Test
    void aNewMemberOfTheGroupStartsAfterTheLastCommittedBatch() {
        String topic = topic("resumed");
        send(topic, 5);
        List<String> first = new CopyOnWriteArrayList<>();
        KafkaBatchConsumer before = consumer(topic, "resumed", 10, collect(first));
        before.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 5);
        } finally {
            before.stop();
        }
        send(topic, 3);
        producer.send(topic, "k", "last".getBytes(StandardCharsets.UTF_8)); // one partition: what precedes it has arrived with it
        List<String> second = new CopyOnWriteArrayList<>();
        KafkaBatchConsumer after = consumer(topic, "resumed", 10, collect(second));
        after.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.contains("last"));
            assertThat(second).doesNotContainAnyElementsOf(first).hasSize(4);
        } finally {
            after.stop();
        }
    }

    private static KafkaBatchConsumer.BatchHandler collect(List<String> into) {
        return records -> Mono.fromRunnable(() -> records.forEach(record -> into.add(new String(record.value(), StandardCharsets.UTF_8))));
    }

    private static KafkaBatchConsumer consumer(String topic, String group, int maxPollRecords, KafkaBatchConsumer.BatchHandler handler) {
        return new KafkaBatchConsumer("it-" + group, kafka, group, List.of(topic), maxPollRecords, handler, new SimpleMeterRegistry());
    }

    /** A one-partition topic of its own. */
    private static String topic(String name) {
        String topic = kafka.topics().name("servelink.consumer-it." + name + ".v1");
        try (Admin admin = Admin.create(kafka.adminConfig("it-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return topic;
    }

    private static void send(String topic, int count) {
        for (int n = 0; n < count; n++) {
            UUID id = UUID.randomUUID();
            producer.send(topic, "k", id.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static UUID eventId(ConsumerRecord<String, byte[]> record) {
        return UUID.fromString(new String(record.value(), StandardCharsets.UTF_8));
    }

    private static long applied(String name) {
        List<Map<String, Object>> rows = db.query("SELECT applied FROM effects WHERE name = ?", name);
        return rows.isEmpty() ? 0 : ((Number) rows.getFirst().get("applied")).longValue();
    }
}
