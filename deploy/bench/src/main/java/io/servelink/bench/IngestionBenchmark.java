package io.servelink.bench;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.PostgresServer;
import io.servelink.infra.process.ServiceProcess;
import io.servelink.starter.KafkaClients;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.TopicProvisioner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ingestion throughput: N traffic events are put in Kafka first, then usage-service starts and consumes them.
 * Measured from the first counted event until the totals reflect all of them; the totals are then checked
 * exactly, per project, against what was produced.
 */
final class IngestionBenchmark {

    private static final int PROJECTS = 1_000;
    private static final int EVENTS_PER_TRANSACTION = 5_000;
    private final Path root;
    private final Path logs;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;

    IngestionBenchmark(Path root, Path logs, PostgresServer postgres, KafkaBroker kafka) {
        this.root = root;
        this.logs = logs;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    List<Result> run(int events) throws Exception {
        String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        String database = "bench_usage_" + namespace.substring(6);
        postgres.createDatabase(database);
        KafkaClients settings = KafkaClients.of(kafka.bootstrapServers(), new KafkaSettings(namespace, "bench", Duration.ofSeconds(30), true, 3));
        TopicProvisioner.createMissing(settings, 3);
        long[] expectedBytes = produce(new TopicNames(namespace).traffic(), events);
        long expectedTotal = 0;
        for (long bytes : expectedBytes) {
            expectedTotal += bytes;
        }

        ServiceProcess usage = new ServiceProcess("bench-usage-service", 18181,
                root.resolve("usage-service/target/usage-service.jar"),
                List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"),
                java.util.stream.Stream.concat(ServiceProcess.databaseArguments(postgres, database).stream(), java.util.stream.Stream.of(
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--servelink.kafka.topic-namespace=" + namespace,
                        "--servelink.security.hmac-secret=benchmark-only-secret-0123456789-abcdefghij",
                        "--logging.level.root=WARN")).toList(),
                logs);
        usage.start(Path.of(System.getProperty("java.home")));
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password())) {
            usage.awaitReady(Duration.ofMinutes(3));
            long first = awaitCounted(db, 1, Duration.ofMinutes(2));
            long done = awaitCounted(db, events, Duration.ofMinutes(20));
            double seconds = (done - first) / 1e9;
            boolean exact = totalsMatch(db, expectedBytes);
            double perSecond = events / seconds;
            Benchmarks.say(String.format("ingestion: %,d events in %.1f s = %,.0f events/s, totals %s", events, seconds, perSecond,
                    exact ? "exact" : "WRONG"));
            List<Result> results = new ArrayList<>();
            results.add(new Result("ingestion", events + " events, " + PROJECTS + " projects", "throughput", perSecond, "events/s",
                    "target >= 200,000 events/s; totals " + (exact ? "exact" : "NOT exact") + " (" + expectedTotal + " bytes)"));
            results.add(new Result("ingestion", events + " events, " + PROJECTS + " projects", "duration", seconds, "s", ""));
            return results;
        } finally {
            usage.stop();
            usage.awaitStopped(Duration.ofSeconds(20));
            postgres.dropDatabase(database);
        }
    }

    /**
     * Produces as the gateway does: in Kafka transactions (the gateway commits one per batch of buffered events; here
     * {@link #EVENTS_PER_TRANSACTION}), so usage-service reads committed records past transaction markers.
     */
    private long[] produce(String topic, int events) throws Exception {
        EventCodec codec = new EventCodec();
        long[] expected = new long[PROJECTS];
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-traffic-" + UUID.randomUUID());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long start = System.nanoTime();
        Instant month = Instant.parse("2026-11-01T00:00:00Z");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < events; i++) {
                int project = i % PROJECTS;
                Instant windowStart = month.plusSeconds((i / PROJECTS) * 5L % (29L * 86_400));
                long request = i % 1_000;
                long response = 1_000 + (i % 100_000);
                expected[project] += request + response;
                TrafficRecorded payload = new TrafficRecorded("bench-" + project, windowStart, windowStart.plusSeconds(5), request, response, 1);
                producer.send(new ProducerRecord<>(topic, payload.projectId(), codec.encode(EventEnvelope.of(payload, windowStart))));
                if ((i + 1) % EVENTS_PER_TRANSACTION == 0) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            }
            producer.commitTransaction();
        }
        Benchmarks.say(String.format("ingestion: produced %,d events in %.1f s", events, (System.nanoTime() - start) / 1e9));
        return expected;
    }

    /** Polls the number of counted events (each event is one request) until it reaches {@code target}; returns nanoTime then. */
    private static long awaitCounted(Connection db, long target, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (ResultSet rs = db.createStatement().executeQuery("SELECT coalesce(sum(requests), 0) FROM project_usage")) {
                rs.next();
                if (rs.getLong(1) >= target) {
                    return System.nanoTime();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("usage-service did not count " + target + " events within " + timeout);
    }

    private static boolean totalsMatch(Connection db, long[] expected) throws SQLException {
        long[] actual = new long[expected.length];
        try (ResultSet rs = db.createStatement().executeQuery("SELECT project_id, sum(traffic_bytes) FROM project_usage GROUP BY project_id")) {
            while (rs.next()) {
                actual[Integer.parseInt(rs.getString(1).substring("bench-".length()))] = rs.getLong(2);
            }
        }
        return java.util.Arrays.equals(expected, actual);
    }
}
