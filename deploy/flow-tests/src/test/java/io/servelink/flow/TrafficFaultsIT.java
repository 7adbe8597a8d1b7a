package io.servelink.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.InJvmKafkaBroker;
import io.servelink.infra.KafkaBrokers;
import io.servelink.infra.RestartablePostgres;
import io.servelink.infra.process.DemoUpstream;
import io.servelink.infra.process.ServiceProcess;
import io.servelink.starter.LocalTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults under traffic, with the real executable jars as processes (gateway, usage-service), a Kafka broker and a
 * PostgreSQL server that this class owns and stops: the broker stopped while visitors use a project, usage-service
 * killed in the middle of ingesting a backlog, its PostgreSQL restarted under load. After each fault the usage the
 * API reports equals, byte for byte, what the visitors received: nothing lost, nothing counted twice.
 */
class TrafficFaultsIT {

    static {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final String SECRET = "traffic-faults-test-secret-0123456789-abcdef";
    private static final String TEAM = "acme";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration SLOW = Duration.ofSeconds(90);

    static InJvmKafkaBroker kafka;
    static RestartablePostgres postgres;
    static DemoUpstream upstream;
    static ServiceProcess gateway;
    static ServiceProcess usage;
    static String namespace;
    static String operator;
    static String owner;

    @BeforeAll
    static void startSuite() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
        Path logs = Files.createDirectories(Path.of("target/traffic-faults-logs"));
        postgres = RestartablePostgres.start();
        postgres.createDatabase("usage");
        kafka = KafkaBrokers.inJvm(0);
        upstream = new DemoUpstream(0);
        namespace = "it-faults-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> common = List.of("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--servelink.kafka.topic-namespace=" + namespace, "--servelink.kafka.provision-topics=true",
                "--servelink.security.hmac-secret=" + SECRET);
        int usagePort = freePort();
        usage = new ServiceProcess("usage-service", usagePort, root.resolve("usage-service/target/usage-service.jar"),
                concat(common, ServiceProcess.databaseArguments(postgres, "usage"),
                        List.of("--servelink.usage.storage.probe=none", "--servelink.usage.traffic.max-batch=500",
                                // a killed usage-service's consumers leave the group when their session expires, and its
                                // restarted consumers get no partitions before: the broker's least session (6 s), not 45 s
                                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                                "--spring.kafka.consumer.properties.heartbeat.interval.ms=2000")),
                logs);
        gateway = new ServiceProcess("gateway", freePort(), root.resolve("gateway/target/gateway.jar"),
                concat(common, List.of("--servelink.gateway.services.usage=http://127.0.0.1:" + usagePort,
                        "--servelink.gateway.metering.window=1s",
                        // a send to the stopped broker fails within seconds and is retried from the buffer
                        "--servelink.kafka.request-timeout=2s",
                        // all visitors of this test come from 127.0.0.1
                        "--servelink.gateway.rate-limits.per-address.requests-per-second=100000",
                        "--servelink.gateway.rate-limits.per-address.burst=100000")),
                logs);
        Path javaHome = Path.of(System.getProperty("java.home"));
        usage.start(javaHome);
        gateway.start(javaHome);
        usage.awaitReady(Duration.ofMinutes(3));
        gateway.awaitReady(Duration.ofMinutes(3));
        LocalTokens tokens = new LocalTokens(SECRET, "traffic-faults");
        operator = tokens.mint(ServelinkClaims.of("ops", Map.of(), Instant.now(), PlatformRole.OPERATOR), Duration.ofHours(1));
        owner = tokens.mint(ServelinkClaims.of("owner", Map.of(TEAM, TeamRole.OWNER), Instant.now()), Duration.ofHours(1));
    }

    @AfterAll
    static void stopSuite() throws Exception {
        for (ServiceProcess process : new ServiceProcess[] {gateway, usage}) {
            if (process != null) {
                process.stop();
                process.awaitStopped(Duration.ofSeconds(20));
            }
        }
        if (upstream != null) {
            upstream.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void countsEveryByteExactlyWhenTheKafkaBrokerStopsAndComesBackWhileVisitorsKeepBeingServed() throws Exception {
        String project = register("kafka-outage");
        TrafficLoad load = TrafficLoad.start(gatewayUrl(), host(project), 2);
        try {
            await().atMost(SLOW).until(() -> usageBytes(project) > 0);

            kafka.stopBroker();
            try {
                double failedSends = gatewayMetric("servelink_gateway_traffic_send_failures_total");
                long servedBefore = load.served();
                // the broker refuses the sends: windows pile up in the gateway's buffer, visitors are served meanwhile
                await().atMost(SLOW).until(() -> gatewayMetric("servelink_gateway_traffic_send_failures_total") > failedSends
                        && gatewayMetric("servelink_gateway_traffic_buffer_size") >= 3);
                assertThat(load.served()).isGreaterThan(servedBefore);
                assertThat(load.failures()).isEmpty();
            } finally {
                kafka.startBroker();
            }
            long servedAfterRestart = load.served();
            await().atMost(SLOW).until(() -> load.served() > servedAfterRestart + 20);
        } finally {
            load.close();
        }
        assertThat(load.failures()).isEmpty();
        assertExactlyCounted(project, load.bytes());
    }

    @Test
    void countsABacklogExactlyWhenUsageServiceIsKilledInTheMiddleOfIngestingItAndStartedAgain() throws Exception {
        String backlogProject = register("killed-backlog");
        String visitedProject = register("killed-visited");
        TrafficLoad load = TrafficLoad.start(gatewayUrl(), host(visitedProject), 2);
        // paced chunks: usage-service is ingesting the first ones while the rest are still arriving, so the kill
        // lands in the middle of the backlog however fast this machine ingests
        CompletableFuture<Long> backlog = CompletableFuture.supplyAsync(() -> publishBacklog(backlogProject, 200, 200, Duration.ofMillis(25)));
        try {
            await().atMost(SLOW).pollInterval(Duration.ofMillis(20)).until(() -> usageBytesDirect(backlogProject) > 0);
            long ingestedWhenKilled = usageBytesDirect(backlogProject);
            usage.kill();

            long servedBefore = load.served();
            await().atMost(SLOW).until(() -> load.served() > servedBefore + 20);
            long published = backlog.get(SLOW.toSeconds(), TimeUnit.SECONDS);
            assertThat(ingestedWhenKilled).as("killed in the middle of the backlog").isLessThan(published);
            startUsageAgain();
            assertExactlyCounted(backlogProject, published);
        } finally {
            load.close();
            backlog.join();
            if (!usage.isRunning()) {
                startUsageAgain();
            }
        }
        assertThat(load.failures()).isEmpty();
        assertExactlyCounted(visitedProject, load.bytes());
    }

    @Test
    void recoversByItselfAndCountsEveryByteWhenItsPostgresRestartsUnderLoadAnsweringServiceUnavailableMeanwhile() throws Exception {
        String project = register("pg-restart");
        TrafficLoad load = TrafficLoad.start(gatewayUrl(), host(project), 2);
        ApiPoller api = null;
        try {
            await().atMost(SLOW).until(() -> usageBytes(project) > 0);
            // several callers without pause: some of their queries are in flight when the server stops
            api = ApiPoller.start(HttpRequest.newBuilder(usageUrl("/api/usage/" + TEAM + "/projects/" + project))
                    .header("Authorization", "Bearer " + owner).timeout(Duration.ofSeconds(10)).build(), 4, Duration.ZERO);

            postgres.stopServer();
            try {
                double sentBefore = gatewayMetric("servelink_gateway_traffic_events_sent_total");
                // events keep reaching Kafka; usage-service cannot store them yet
                await().atMost(SLOW).until(() -> gatewayMetric("servelink_gateway_traffic_events_sent_total") >= sentBefore + 3);
                assertUnavailableProblem(HTTP.send(usageRequest(project), HttpResponse.BodyHandlers.ofString()));
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(usageUrl("/actuator/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
                assertThat(health.body()).contains("\"status\":\"DOWN\"");
                // but alive and ready: an orchestrator must neither restart it nor take it out for its database's outage
                for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
                    assertThat(HTTP.send(HttpRequest.newBuilder(usageUrl(probe)).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode()).as(probe).isEqualTo(200);
                }
                assertThat(load.failures()).isEmpty();
            } finally {
                postgres.startServer();
            }
            await().atMost(SLOW).until(() -> HTTP.send(HttpRequest.newBuilder(usageUrl("/actuator/health")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            ApiPoller polling = api;
            await().atMost(SLOW).until(() -> polling.answers().getLast().status() == 200);
            long servedAfterRestart = load.served();
            await().atMost(SLOW).until(() -> load.served() > servedAfterRestart + 20);
        } finally {
            load.close();
            if (api != null) {
                api.close();
            }
        }
        // every answer before, during and after the outage: the usage or a 503 problem, never a 500 nor a hang
        assertThat(api.answers()).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isIn(200, 503);
            if (answer.status() == 503) {
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.retryAfter()).isNotNull();
            }
        });
        assertThat(api.answers()).extracting(ApiPoller.Answer::status).contains(503);
        assertThat(load.failures()).isEmpty();
        assertExactlyCounted(project, load.bytes());
    }

    // helpers --------------------------------------------------------------------------------------------------

    private static void startUsageAgain() throws Exception {
        usage.start(Path.of(System.getProperty("java.home")));
        usage.awaitReady(Duration.ofMinutes(3));
    }

    /** Registers a project of team acme through the gateway's operator API and waits until its host is routed. */
    private static String register(String project) throws Exception {
        HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(gatewayUrl().resolve("/api/admin/projects/" + project))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"team_slug": "%s", "hosts": ["%s"], "upstream_uri": "http://127.0.0.1:%d"}
                        """.formatted(TEAM, host(project), upstream.port()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);
        // A HEAD is answered without a body: the wait meters nothing. usage-service must know the project's team too.
        await().atMost(SLOW).until(() -> HTTP.send(HttpRequest.newBuilder(gatewayUrl().resolve("/"))
                .header("Host", host(project)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        await().atMost(SLOW).until(() -> usageStatus(project) == 200);
        return project;
    }

    private void assertExactlyCounted(String project, long expected) {
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(gatewayMetric("servelink_gateway_traffic_buffer_size")).isZero();
            assertThat(usageBytes(project)).isEqualTo(expected);
        });
    }

    /**
     * Publishes {@code events} traffic events of one project straight to the traffic topic, as gateways would have
     * while usage-service was away; returns their bytes.
     */
    /** Publishes {@code chunks} × {@code perChunk} traffic events of one window, pausing between chunks; returns their bytes. */
    private static long publishBacklog(String project, int chunks, int perChunk, Duration pause) {
        EventCodec codec = new EventCodec();
        String topic = new TopicNames(namespace).traffic();
        Instant window = Instant.now();
        long bytes = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>(chunks * perChunk);
            for (int i = 0; i < chunks * perChunk; i++) {
                TrafficRecorded recorded = new TrafficRecorded(project, window, window.plusSeconds(1), i % 1_000, 1_000 + i, 1);
                bytes += recorded.totalBytes();
                acks.add(producer.send(new ProducerRecord<>(topic, project, codec.encode(EventEnvelope.of(recorded, window)))));
                if ((i + 1) % perChunk == 0) {
                    producer.flush();
                    Thread.sleep(pause);
                }
            }
            for (var ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing the backlog failed", e);
        }
        return bytes;
    }

    /** The project's traffic bytes from usage-service itself, not through the gateway (quicker to poll). */
    private static long usageBytesDirect(String project) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(usageUrl("/api/usage/" + TEAM + "/projects/" + project)).header("Authorization", "Bearer " + owner)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return trafficBytes(answer);
    }

    private static long usageBytes(String project) throws Exception {
        return trafficBytes(HTTP.send(usageRequest(project), HttpResponse.BodyHandlers.ofString()));
    }

    private static long trafficBytes(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("usage: %s", answer.body()).isEqualTo(200);
        Matcher matcher = Pattern.compile("\"usage\":\\{[^}]*?\"traffic\":\\{\"bytes\":(\\d+)").matcher(answer.body());
        assertThat(matcher.find()).as("traffic bytes in %s", answer.body()).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static int usageStatus(String project) throws Exception {
        return HTTP.send(usageRequest(project), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpRequest usageRequest(String project) {
        return HttpRequest.newBuilder(gatewayUrl().resolve("/api/usage/" + TEAM + "/projects/" + project))
                .header("Authorization", "Bearer " + owner).timeout(Duration.ofSeconds(10)).build();
    }

    /** A 503 problem with Retry-After, answered within the request's timeout (no hang, no 500). */
    private static void assertUnavailableProblem(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.body()).contains("https://problems.servelink.io/").doesNotContain("Exception");
    }

    private static URI usageUrl(String path) {
        return URI.create("http://127.0.0.1:" + usage.port() + path);
    }

    /** Sum of a metric's series on the gateway's Prometheus endpoint. */
    private static double gatewayMetric(String name) throws Exception {
        String scrape = HTTP.send(HttpRequest.newBuilder(gatewayUrl().resolve("/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(scrape);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    private static URI gatewayUrl() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    private static String host(String project) {
        return project + ".apps.localhost";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }
}
