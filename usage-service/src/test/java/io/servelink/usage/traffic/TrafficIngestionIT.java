package io.servelink.usage.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.KafkaClients;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestKafka;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Traffic events from Kafka into project_usage, exactly once, on a real broker and a real database. */
@ServiceIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficIngestionIT {

    private static final Instant NOV_24 = Instant.parse("2026-11-24T10:00:00Z");

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    @Qualifier("trafficConsumer")
    KafkaBatchConsumer trafficConsumer;
    @Autowired
    KafkaClients kafkaClients;
    @Autowired
    DatabaseClient db;
    @Autowired
    TransactionalOperator transactions;

    TestKafka kafka;
    final EventCodec codec = new EventCodec();

    @BeforeAll
    void connect() {
        kafka = TestKafka.of(infrastructure);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
    }

    @Test
    void addsEveryEventOnceToMonthlyAndDailyUsage() throws SQLException {
        send(traffic("p-once", NOV_24, 100, 1_000, 2));
        send(traffic("p-once", NOV_24.plusSeconds(5), 0, 500, 1));
        send(traffic("p-once", Instant.parse("2026-11-25T00:00:01Z"), 7, 3, 1));
        send(traffic("p-once", Instant.parse("2026-12-01T00:00:00Z"), 10, 10, 1));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(monthlyTraffic("p-once", 2026, 12)).isEqualTo(20));
        assertThat(monthlyTraffic("p-once", 2026, 11)).isEqualTo(100 + 1_000 + 500 + 7 + 3);
        assertThat(dailyTraffic("p-once", "2026-11-24")).isEqualTo(1_600);
        assertThat(dailyTraffic("p-once", "2026-11-25")).isEqualTo(10);
        assertThat(scalar("SELECT requests FROM project_usage WHERE project_id = 'p-once' AND month = 11")).isEqualTo(4);
        assertThat(scalar("SELECT request_bytes FROM project_usage WHERE project_id = 'p-once' AND month = 11")).isEqualTo(107);
    }

    @Test
    void countsAnEventOnceWhenItsFirstSendWasAbortedAndItIsSentAgain() throws SQLException {
        // The gateway sends in Kafka transactions: a send whose outcome is unclear is aborted, then sent again.
        List<EventEnvelope<TrafficRecorded>> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(EventEnvelope.of(traffic("p-resend", NOV_24.plusSeconds(i * 5L), i, 1_000, 1), Instant.now()));
        }
        long expected = events.stream().mapToLong(e -> e.payload().totalBytes()).sum();
        try (KafkaProducer<String, byte[]> gateway = transactionalProducer()) {
            gateway.initTransactions();
            gateway.beginTransaction();
            events.forEach(e -> gateway.send(record(e)));
            gateway.flush();
            gateway.abortTransaction();

            gateway.beginTransaction();
            events.forEach(e -> gateway.send(record(e)));
            gateway.commitTransaction();
        }
        EventEnvelope<TrafficRecorded> marker = EventEnvelope.of(traffic("p-resend", NOV_24, 0, 1, 0), Instant.now());
        send(marker);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(monthlyTraffic("p-resend", 2026, 11)).isEqualTo(expected + 1));
        assertThat(scalar("SELECT requests FROM project_usage WHERE project_id = 'p-resend'")).isEqualTo(50);
    }

    @Test
    void refusesABatchOfAPartitionWhoseStoredPositionMovedPastItsStart() throws SQLException {
        // A member that lost its partition without noticing (a long pause) still holds a batch the new owner applied.
        TrafficIngestion ingestion = new TrafficIngestion(db, transactions, new EventCodec(), new SimpleMeterRegistry(), projects -> { });
        ingestion.handle(records("zombie-topic", 0, 10, "p-zombie")).block();
        assertThat(monthlyTraffic("p-zombie", 2026, 11)).isEqualTo(10 * 11);

        assertThatThrownBy(() -> ingestion.handle(records("zombie-topic", 0, 10, "p-zombie")).block())
                .as("the same batch delivered again").isInstanceOf(KafkaBatchConsumer.PositionMovedException.class);
        assertThatThrownBy(() -> ingestion.handle(records("zombie-topic", 5, 15, "p-zombie")).block())
                .isInstanceOf(KafkaBatchConsumer.PositionMovedException.class);
        assertThat(monthlyTraffic("p-zombie", 2026, 11)).as("the refused batch added nothing").isEqualTo(10 * 11);
        assertThat(ingestion.positions(List.of(new TopicPartition("zombie-topic", 0))).block())
                .containsEntry(new TopicPartition("zombie-topic", 0), 10L);

        ingestion.handle(records("zombie-topic", 10, 15, "p-zombie")).block();
        assertThat(monthlyTraffic("p-zombie", 2026, 11)).isEqualTo(15 * 11);
    }

    @Test
    void keepsExactTotalsWhenTheConsumerRestartsAndRereadsFromTheBeginning() throws Exception {
        long expected = 0;
        for (int i = 0; i < 200; i++) {
            TrafficRecorded event = traffic("p-restart", NOV_24.plusSeconds(i), 3, 40 + i, 1);
            expected += event.totalBytes();
            send(event);
            if (i == 100) {
                trafficConsumer.stop();
            }
        }
        trafficConsumer.start();
        long total = expected;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(monthlyTraffic("p-restart", 2026, 11)).isEqualTo(total));

        // A crash between the database commit and the offset commit means redelivery of everything not committed:
        // rewind the whole group to the first offset and the totals must not move.
        trafficConsumer.stop();
        rewindGroup("usage-service.traffic");
        trafficConsumer.start();
        EventEnvelope<TrafficRecorded> marker = EventEnvelope.of(traffic("p-restart-marker", NOV_24, 0, 1, 1), Instant.now());
        send(marker);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(monthlyTraffic("p-restart-marker", 2026, 11)).isEqualTo(1));
        assertThat(monthlyTraffic("p-restart", 2026, 11)).isEqualTo(total);
    }

    @Test
    void keepsExactTotalsWhileASecondConsumerJoinsAndPartitionsMove() throws Exception {
        KafkaBatchConsumer second = new KafkaBatchConsumer("traffic-2", kafkaClients, "usage-service.traffic",
                List.of(infrastructure.topics().traffic()), 50,
                new TrafficIngestion(db, transactions, new EventCodec(), new SimpleMeterRegistry(), projects -> { }), new SimpleMeterRegistry());
        long expected = 0;
        try {
            for (int i = 0; i < 300; i++) {
                TrafficRecorded event = traffic("p-rebalance-" + (i % 7), NOV_24.plusSeconds(i), 1, 10 + i, 1);
                expected += event.totalBytes();
                send(event);
                if (i == 50) {
                    second.start();
                }
                if (i == 250) {
                    second.stop();
                }
            }
            long total = expected;
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
                    assertThat(scalar("SELECT coalesce(sum(traffic_bytes), 0) FROM project_usage WHERE project_id LIKE 'p-rebalance-%'"))
                            .isEqualTo(total));
        } finally {
            second.stop();
        }
    }

    @Test
    void skipsAMalformedRecordAndCarriesOn() throws SQLException {
        kafka.send(infrastructure.topics().traffic(), "p-malformed", "{not json".getBytes());
        send(traffic("p-malformed", NOV_24, 1, 2, 1));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(monthlyTraffic("p-malformed", 2026, 11)).isEqualTo(3));
    }

    @Test
    void followsTheProjectsTopicIncludingRemoval() throws SQLException {
        String topic = infrastructure.topics().projects();
        kafka.publish(topic, "p-dir", new ProjectChanged("p-dir", "acme", List.of("a.apps.localhost"), URI.create("http://up:80"), ProjectStatus.ACTIVE));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(text("SELECT team_slug FROM projects WHERE project_id = 'p-dir'")).isEqualTo("acme"));

        kafka.publish(topic, "p-dir", new ProjectChanged("p-dir", "globex", List.of("b.apps.localhost"), URI.create("http://up:80"), ProjectStatus.SUSPENDED));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(text("SELECT team_slug || ':' || status FROM projects WHERE project_id = 'p-dir'")).isEqualTo("globex:SUSPENDED"));

        kafka.send(topic, "p-dir", null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scalar("SELECT count(*) FROM projects WHERE project_id = 'p-dir' AND deleted_at IS NOT NULL")).isEqualTo(1));
    }

    private void send(TrafficRecorded event) {
        send(EventEnvelope.of(event, Instant.now()));
    }

    private void send(EventEnvelope<TrafficRecorded> envelope) {
        kafka.publish(infrastructure.topics().traffic(), envelope.payload().projectId(), envelope);
    }

    private static TrafficRecorded traffic(String project, Instant windowStart, long request, long response, long requests) {
        return new TrafficRecorded(project, windowStart, windowStart.plusSeconds(5), request, response, requests);
    }

    private void rewindGroup(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> zero = new java.util.HashMap<>();
        for (int partition = 0; partition < kafkaClients.settings().partitions(); partition++) {
            zero.put(new TopicPartition(infrastructure.topics().traffic(), partition), new OffsetAndMetadata(0));
        }
        setGroupOffsets(group, zero);
    }

    private void setGroupOffsets(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
        String groupId = infrastructure.topicNamespace() + "." + group;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.alterConsumerGroupOffsets(groupId, offsets).all().get() == null);
        }
    }

    private KafkaProducer<String, byte[]> transactionalProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafka().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-gateway-" + UUID.randomUUID(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private ProducerRecord<String, byte[]> record(EventEnvelope<TrafficRecorded> envelope) {
        return new ProducerRecord<>(infrastructure.topics().traffic(), envelope.payload().projectId(), codec.encode(envelope));
    }

    /** Records at offsets [from, to) of partition 0 of {@code topic}: one event of 11 bytes each. */
    private List<ConsumerRecord<String, byte[]>> records(String topic, long from, long to, String project) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            EventEnvelope<TrafficRecorded> envelope = EventEnvelope.of(traffic(project, NOV_24.plusSeconds(offset), 1, 10, 1), Instant.now());
            records.add(new ConsumerRecord<>(topic, 0, offset, project, codec.encode(envelope)));
        }
        return records;
    }

    private long monthlyTraffic(String project, int year, int month) throws SQLException {
        return scalar("SELECT coalesce(sum(traffic_bytes), 0) FROM project_usage WHERE project_id = '" + project
                + "' AND year = " + year + " AND month = " + month);
    }

    private long dailyTraffic(String project, String day) throws SQLException {
        return scalar("SELECT coalesce(sum(traffic_bytes), 0) FROM project_usage_daily WHERE project_id = '" + project
                + "' AND day = DATE '" + day + "'");
    }

    private long scalar(String sql) throws SQLException {
        try (Connection connection = infrastructure.openConnection(); ResultSet rs = connection.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private String text(String sql) throws SQLException {
        try (Connection connection = infrastructure.openConnection(); ResultSet rs = connection.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
