package io.servelink.bench;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.contracts.spring.LocalTokens;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.PostgresServer;
import io.servelink.local.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency of the usage and limits endpoints through the gateway at a fixed request rate (an open model: each
 * request's latency counts from when it was due, so a stall is not hidden by the generator waiting).
 */
final class ApiLatencyBenchmark {

    private static final String SECRET = "benchmark-only-secret-0123456789-abcdefghij";
    private static final int RATE = 500;
    private static final int WARMUP_SECONDS = 30;
    private static final int SECONDS = 30;

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
                    List.of("-Xms256m", "-Xmx768m", "-XX:+UseParallelGC"),
                    List.of("--servelink.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--servelink.kafka.topic-namespace=" + namespace,
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
            String token = new LocalTokens(SECRET, "bench").mint(ServelinkClaims.of("bench-user", Map.of("bench", TeamRole.OWNER)), Duration.ofHours(1));
            if (Boolean.getBoolean("bench.api-rig")) {
                Benchmarks.say("API rig ready: gateway on 18280, usage-service on 18281, resources-service on 18283; token: " + token);
                Thread.sleep(Long.MAX_VALUE);
            }
            List<Result> results = new ArrayList<>();
            results.addAll(measure("GET /api/usage/{team}", "http://127.0.0.1:18280/api/usage/bench", token));
            results.addAll(measure("GET /api/usage/{team}/projects/{id}", "http://127.0.0.1:18280/api/usage/bench/projects/p-7", token));
            if (withResources) {
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
                List.of("-Xms256m", "-Xmx768m", "-XX:+UseParallelGC"),
                java.util.stream.Stream.concat(ServiceProcess.databaseArguments(postgres, database).stream(), java.util.stream.Stream.of(
                        "--servelink.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--servelink.kafka.topic-namespace=" + namespace,
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
        HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build();
        if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
            throw new IllegalStateException(endpoint + " does not answer 200 at " + url);
        }
        warmUp(http, request);
        Run run = fire(http, request, RATE, SECONDS);
        Histogram h = run.latencies();
        double p50 = h.getValueAtPercentile(50) / 1e6;
        double p99 = h.getValueAtPercentile(99) / 1e6;
        Benchmarks.say(String.format("%s at %d req/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, failures %d", endpoint, RATE, p50, p99,
                h.getMaxValue() / 1e6, run.failures()));
        String scenario = endpoint + " at " + RATE + " req/s";
        return List.of(new Result("api", scenario, "p50", p50, "ms", ""),
                new Result("api", scenario, "p99", p99, "ms", "target < 20 ms; " + run.failures() + " failures of " + h.getTotalCount()));
    }

    record Run(Histogram latencies, long failures) {
    }

    /**
     * Ramps the rate up to the target in ten steps over {@value #WARMUP_SECONDS} s, then holds it as long: a cold
     * JVM hit at the full rate from its first second queues requests faster than its JIT compilers let it serve
     * them, and never catches up within the run (the first runs saw only timeouts).
     */
    private static void warmUp(HttpClient http, HttpRequest request) throws InterruptedException {
        for (int step = 1; step <= 10; step++) {
            fire(http, request, RATE * step / 10, Math.max(1, WARMUP_SECONDS / 10));
        }
        fire(http, request, RATE, WARMUP_SECONDS);
    }

    private static Run fire(HttpClient http, HttpRequest request, int rate, int seconds) throws InterruptedException {
        ConcurrentHistogram latencies = new ConcurrentHistogram(Duration.ofSeconds(30).toNanos(), 3);
        AtomicLong failures = new AtomicLong();
        AtomicLong pending = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        int total = rate * seconds;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pending.incrementAndGet();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencies.recordValue(Math.min(System.nanoTime() - due, latencies.getHighestTrackableValue()));
                if (error != null || response.statusCode() != 200) {
                    failures.incrementAndGet();
                }
                pending.decrementAndGet();
            });
        }
        while (pending.get() > 0) {
            Thread.sleep(10);
        }
        return new Run(latencies, failures.get());
    }
}
