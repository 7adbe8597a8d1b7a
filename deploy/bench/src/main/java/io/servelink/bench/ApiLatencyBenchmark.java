package io.servelink.bench;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.PostgresServer;
import io.servelink.infra.process.ServiceProcess;
import io.servelink.starter.LocalTokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Latency of the usage and limits endpoints through the gateway at a fixed request rate ({@link FixedRateLoad}: each
 * request's latency counts from when it was due, so a stall is not hidden by the generator waiting).
 */
final class ApiLatencyBenchmark {

    private static final String SECRET = "benchmark-only-secret-0123456789-abcdefghij";
    private static final int RATE = 500;
    private static final int SECONDS = 30;
    /** Keep-alive connections the generator sends over: enough for the rate at 60 ms per request. */
    private static final int CONNECTIONS = 32;
    private static final int WINDOW_SECONDS = 10;
    private static final int MAX_WARMUP_SECONDS = 180;
    /** The services' JVM options (space-separated, {@code -Dbench.api-jvm-args}): heap and collector. */
    private static final List<String> JVM = Benchmarks.listProperty("bench.api-jvm-args", "\\s+", List.of("-Xms256m", "-Xmx768m", "-XX:+UseParallelGC"));

    private final Path root;
    private final Path logs;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;

    ApiLatencyBenchmark(Path root, Path logs, PostgresServer postgres, KafkaBroker kafka) {
        this.root = root;
        this.logs = logs;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    List<Result> run() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String namespace = "bench-api-" + suffix;
        List<ServiceProcess> services = new ArrayList<>();
        List<String> databases = new ArrayList<>();
        try {
            String usageDb = "bench_api_usage_" + suffix;
            services.add(service("usage-service", 18281, namespace, usageDb, databases));
            boolean withResources = Files.exists(root.resolve("resources-service/target/resources-service.jar"));
            if (withResources) {
                services.add(service("resources-service", 18283, namespace, "bench_api_resources_" + suffix, databases));
            }
            services.add(new ServiceProcess("bench-api-gateway", 18280, root.resolve("gateway/target/gateway.jar"),
                    JVM,
                    List.of("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--servelink.kafka.topic-namespace=" + namespace,
                            "--servelink.kafka.provision-topics=true", "--servelink.security.hmac-secret=" + SECRET,
                            "--servelink.gateway.services.usage=http://127.0.0.1:18281",
                            "--servelink.gateway.services.resources=http://127.0.0.1:18283",
                            "--servelink.gateway.rate-limits.enabled=false", "--logging.level.root=WARN"), logs));
            Path javaHome = Path.of(System.getProperty("java.home"));
            for (ServiceProcess service : services) {
                service.start(javaHome);
            }
            for (ServiceProcess service : services) {
                service.awaitReady(Duration.ofMinutes(3));
            }
            seedUsage(usageDb);
            String token = new LocalTokens(SECRET, "bench").mint(ServelinkClaims.of("bench-user", Map.of("bench", TeamRole.OWNER), Instant.now()), Duration.ofHours(1));
            if (Boolean.getBoolean("bench.api-rig")) {
                Benchmarks.say("API rig ready: gateway on 18280, usage-service on 18281, resources-service on 18283; token: " + token);
                Thread.sleep(Long.MAX_VALUE);
            }
            List<Result> results = new ArrayList<>();
            // Each endpoint at the service itself, then through the gateway: the difference is the gateway's share.
            results.addAll(measure("GET /api/usage/{team} (usage-service directly)", "http://127.0.0.1:18281/api/usage/bench", token));
            results.addAll(measure("GET /api/usage/{team}", "http://127.0.0.1:18280/api/usage/bench", token));
            results.addAll(measure("GET /api/usage/{team}/projects/{id} (usage-service directly)",
                    "http://127.0.0.1:18281/api/usage/bench/projects/p-7", token));
            results.addAll(measure("GET /api/usage/{team}/projects/{id}", "http://127.0.0.1:18280/api/usage/bench/projects/p-7", token));
            if (withResources) {
                results.addAll(measure("GET /api/resources/{team}/limits (resources-service directly)",
                        "http://127.0.0.1:18283/api/resources/bench/limits", token));
                results.addAll(measure("GET /api/resources/{team}/limits", "http://127.0.0.1:18280/api/resources/bench/limits", token));
            }
            return results;
        } finally {
            services.forEach(ServiceProcess::stop);
            for (ServiceProcess service : services) {
                service.awaitStopped(Duration.ofSeconds(20));
            }
            databases.forEach(postgres::dropDatabase);
        }
    }

    private ServiceProcess service(String module, int port, String namespace, String database, List<String> databases) {
        postgres.createDatabase(database);
        databases.add(database);
        return new ServiceProcess("bench-api-" + module, port, root.resolve(module + "/target/" + module + ".jar"),
                JVM,
                java.util.stream.Stream.concat(ServiceProcess.databaseArguments(postgres, database).stream(), java.util.stream.Stream.of(
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--servelink.kafka.topic-namespace=" + namespace,
                        "--servelink.kafka.provision-topics=true", "--servelink.security.hmac-secret=" + SECRET,
                        "--logging.level.root=WARN")).toList(),
                logs);
    }

    /** 20 projects with a year of monthly usage and daily rows for this month. */
    private void seedUsage(String database) throws Exception {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
             var s = c.createStatement()) {
            s.execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) "
                    + "SELECT 'p-' || i, 'bench', ARRAY['p-' || i || '.apps.localhost'], 'ACTIVE', 0, i, now() FROM generate_series(1, 20) i");
            s.execute("INSERT INTO project_usage (project_id, year, month, traffic_bytes, request_bytes, response_bytes, requests) "
                    + "SELECT 'p-' || i, extract(year FROM m)::int, extract(month FROM m)::int, i * 1000000, i * 1000, i * 1000000 - i * 1000, i * 10 "
                    + "FROM generate_series(1, 20) i, generate_series(date '" + now.minusMonths(11).atDay(1) + "', date '" + now.atDay(1)
                    + "', interval '1 month') m");
            s.execute("INSERT INTO project_usage_daily (project_id, day, traffic_bytes, request_bytes, response_bytes, requests) "
                    + "SELECT 'p-' || i, d, i * 1000, i, i * 1000 - i, i FROM generate_series(1, 20) i, "
                    + "generate_series(date '" + now.atDay(1) + "', date '" + now.atEndOfMonth() + "', interval '1 day') d");
        }
    }

    private static List<Result> measure(String endpoint, String url, String token) throws Exception {
        FixedRateLoad load = new FixedRateLoad(URI.create(url), Map.of("Authorization", "Bearer " + token));
        if (load.run(1, Duration.ofSeconds(1), 1).failures() > 0) {
            throw new IllegalStateException(endpoint + " does not answer 200 at " + url);
        }
        warmUp(endpoint, load);
        FixedRateLoad.Outcome run = load.run(RATE, Duration.ofSeconds(SECONDS), CONNECTIONS);
        Histogram h = run.latencies();
        double p50 = h.getValueAtPercentile(50) / 1e6;
        double p99 = h.getValueAtPercentile(99) / 1e6;
        Benchmarks.say(String.format("%s at %d req/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, failures %d", endpoint, RATE, p50, p99,
                h.getMaxValue() / 1e6, run.failures()));
        String scenario = endpoint + " at " + RATE + " req/s";
        return List.of(new Result("api", scenario, "p50", p50, "ms", ""),
                new Result("api", scenario, "p99", p99, "ms", "target < 20 ms; " + run.failures() + " failures of " + h.getTotalCount()));
    }

    /**
     * Ramps the rate up to the target in ten steps (a cold JVM hit at the full rate from its first second queues
     * requests faster than its JIT compilers let it serve them), then holds the full rate in
     * {@value #WINDOW_SECONDS}-second windows until two windows in a row agree on p99 within 20 % (or 2 ms), at most
     * {@value #MAX_WARMUP_SECONDS} s: on two cores the C2 compiler keeps a core busy for minutes after start-up, and
     * a measurement taken then is of the compiler, not of the service.
     */
    private static void warmUp(String endpoint, FixedRateLoad load) throws InterruptedException {
        for (int step = 1; step <= 10; step++) {
            load.run(RATE * step / 10, Duration.ofSeconds(3), CONNECTIONS);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(MAX_WARMUP_SECONDS).toNanos();
        double previous = Double.NaN;
        while (System.nanoTime() < deadline) {
            double p99 = load.run(RATE, Duration.ofSeconds(WINDOW_SECONDS), CONNECTIONS).latencies().getValueAtPercentile(99) / 1e6;
            if (Math.abs(p99 - previous) <= Math.max(2.0, 0.2 * Math.max(p99, previous))) {
                Benchmarks.say(String.format("%s steady (p99 %.1f ms, then %.1f ms)", endpoint, previous, p99));
                return;
            }
            previous = p99;
        }
        Benchmarks.say(endpoint + " not steady after " + MAX_WARMUP_SECONDS + " s of warm-up; measuring anyway");
    }
}
