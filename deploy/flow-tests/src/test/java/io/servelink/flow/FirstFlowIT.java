package io.servelink.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.KafkaBrokers;
import io.servelink.infra.PostgresServer;
import io.servelink.infra.PostgresServers;
import io.servelink.infra.process.DemoUpstream;
import io.servelink.infra.process.ServiceProcess;
import io.servelink.starter.LocalTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first flow end to end, with the real executable jars as separate processes: a project registered through
 * the gateway's operator API, traffic through the gateway to the project's upstream, Kafka, usage-service, and the
 * usage API answering through the gateway with the exact bytes.
 */
class FirstFlowIT {

    static {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final String SECRET = "first-flow-test-secret-0123456789-abcdefghij";
    private static final int GATEWAY = 18380;
    private static final int USAGE = 18381;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ServiceProcess gateway;
    static ServiceProcess usage;
    static DemoUpstream upstream;
    static PostgresServer postgres;
    static String database;

    @BeforeAll
    static void startSuite() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
        Path logs = Files.createDirectories(Path.of("target/first-flow-logs"));
        postgres = PostgresServers.shared();
        KafkaBroker kafka = KafkaBrokers.shared();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        database = "it_firstflow_" + suffix;
        postgres.createDatabase(database);
        upstream = new DemoUpstream(0);
        List<String> common = List.of("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--servelink.kafka.topic-namespace=it-firstflow-" + suffix, "--servelink.kafka.provision-topics=true",
                "--servelink.security.hmac-secret=" + SECRET);
        usage = new ServiceProcess("usage-service", USAGE, root.resolve("usage-service/target/usage-service.jar"),
                concat(common, ServiceProcess.databaseArguments(postgres, database).toArray(String[]::new)),
                logs);
        gateway = new ServiceProcess("gateway", GATEWAY, root.resolve("gateway/target/gateway.jar"),
                concat(common, "--servelink.gateway.services.usage=http://127.0.0.1:" + USAGE, "--servelink.gateway.metering.window=1s"),
                logs);
        Path javaHome = Path.of(System.getProperty("java.home"));
        usage.start(javaHome);
        gateway.start(javaHome);
        usage.awaitReady(Duration.ofMinutes(3));
        gateway.awaitReady(Duration.ofMinutes(3));
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
    }

    @Test
    void trafficThroughTheGatewayShowsUpExactlyInTheTeamsUsage() throws Exception {
        LocalTokens tokens = new LocalTokens(SECRET, "first-flow");
        String operator = tokens.mint(ServelinkClaims.of("ops", Map.of(), Instant.now(), PlatformRole.OPERATOR), Duration.ofMinutes(10));
        String owner = tokens.mint(ServelinkClaims.of("owner", Map.of("acme", TeamRole.OWNER), Instant.now()), Duration.ofMinutes(10));
        String stranger = tokens.mint(ServelinkClaims.of("stranger", Map.of("globex", TeamRole.OWNER), Instant.now()), Duration.ofMinutes(10));

        HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/api/admin/projects/shop")))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"team_slug": "acme", "hosts": ["shop.apps.localhost"], "upstream_uri": "http://127.0.0.1:%d"}
                        """.formatted(upstream.port()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);

        // Until the route exists the host answers 404, which is not metered; the one 200 that ends the wait is.
        await().atMost(Duration.ofSeconds(30)).until(() -> project("/").statusCode() == 200);
        long page = project("/").body().length;
        long expected = 2 * page;
        for (int i = 0; i < 5; i++) {
            expected += project("/bytes?n=" + (100_000 + i)).body().length;
        }
        byte[] upload = new byte[777_777];
        HttpResponse<byte[]> echoed = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/upload"))).header("Host", "shop.apps.localhost")
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        expected += upload.length + echoed.body().length;

        long total = expected;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> usage = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/api/usage/acme/projects/shop")))
                    .header("Authorization", "Bearer " + owner).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(usage.statusCode()).isEqualTo(200);
            assertThat(trafficBytes(usage.body())).isEqualTo(total);
        });

        HttpResponse<String> forbidden = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/api/usage/acme")))
                .header("Authorization", "Bearer " + stranger).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forbidden.statusCode()).isEqualTo(403);
    }

    private static HttpResponse<byte[]> project(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl(path))).header("Host", "shop.apps.localhost").build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gatewayUrl(String path) {
        return "http://127.0.0.1:" + GATEWAY + path;
    }

    private static long trafficBytes(String projectUsage) {
        Matcher matcher = Pattern.compile("\"usage\":\\{[^}]*?\"traffic\":\\{\"bytes\":(\\d+)").matcher(projectUsage);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static List<String> concat(List<String> first, String... more) {
        return java.util.stream.Stream.concat(first.stream(), java.util.Arrays.stream(more)).toList();
    }
}
