package io.servelink.bench;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.activity.ProjectSleepState;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.process.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The same upstream (nginx serving static 1 KB and 100 KB files) through four paths, measured with wrk in one run:
 * direct, nginx as a reverse proxy, the gateway with metering off, the gateway with metering on.
 */
final class GatewayBenchmark {

    static final int UPSTREAM = 18090;
    static final int NGINX_PROXY = 18091;
    static final int GATEWAY = 18080;
    /** The second gateway of the comparison, metering on; both run throughout the gateway suite. */
    static final int GATEWAY_METERED = 18081;
    /**
     * A second metering-off gateway, measured in the same turns: the difference between two identical gateways is
     * the resolution of every comparison in the run (an A/A test), printed next to the metering's cost.
     */
    static final int GATEWAY_TWIN = 18082;
    /**
     * A second metering-on gateway. With one JVM of each kind, one instance's luck in compiling and running would
     * stand for the metering's cost; with two of each, the metering's cost compares the pooled pairs, and each pair's
     * own spread is printed beside it (docs/benchmarks.md).
     */
    static final int GATEWAY_METERED_TWIN = 18083;
    private static final String OFF = "gateway metering off";
    private static final String ON = "gateway metering on";
    private static final String TWIN = "gateway metering off, twin";
    private static final String METERED_TWIN = "gateway metering on, twin";
    private static final String OFF_BOTH = "gateway metering off, both JVMs";
    private static final String ON_BOTH = "gateway metering on, both JVMs";
    static final String HOST = "bench.apps.localhost";
    /** A project of a team over its traffic limit: the metered gateways answer it 402. */
    private static final String BLOCKED_HOST = "bench-blocked.apps.localhost";
    /** Other teams (and projects) whose states the metered gateways hold while measured. */
    private static final int OTHER_TEAMS = 1000;
    private static final int CONNECTIONS = 32;
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 8);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    /** Extra gateway arguments, comma-separated (for profiling runs: e.g. tracing off). */
    private static final List<String> EXTRA = Benchmarks.listProperty("bench.gateway-args", ",", List.of());
    /** Extra gateway JVM options, space-separated (for profiling runs: e.g. -XX:StartFlightRecording=...). */
    private static final List<String> JVM_EXTRA = Benchmarks.listProperty("bench.gateway-jvm-args", "\\s+", List.of());

    private final Path root;
    private final Path logs;
    private final KafkaBroker kafka;

    GatewayBenchmark(Path root, Path logs, KafkaBroker kafka) {
        this.root = root;
        this.logs = logs;
        this.kafka = kafka;
    }

    List<Result> run() throws Exception {
        Map<String, Wrk.Outcome> outcomes = new LinkedHashMap<>();
        Map<String, FixedRateLoad.Outcome> atFixedRate = new LinkedHashMap<>();
        String namespace = "bench-gw-" + UUID.randomUUID().toString().substring(0, 8);
        try (Nginx ignored = Nginx.start(root.resolve(".bench/nginx"), UPSTREAM, NGINX_PROXY)) {
            ServiceProcess meteringOff = startGateway(namespace, false, GATEWAY);
            ServiceProcess meteringOn = startGateway(namespace, true, GATEWAY_METERED);
            ServiceProcess twin = startGateway(namespace, false, GATEWAY_TWIN);
            ServiceProcess meteredTwin = startGateway(namespace, true, GATEWAY_METERED_TWIN);
            try {
                registerProject(namespace);
                for (int port : List.of(GATEWAY, GATEWAY_METERED, GATEWAY_TWIN, GATEWAY_METERED_TWIN)) {
                    awaitRouted(port);
                }
                for (int port : List.of(GATEWAY_METERED, GATEWAY_METERED_TWIN)) {
                    awaitEnforcing(port);
                }
                for (String size : List.of("1k", "100k")) {
                    Map<String, Target> paths = new LinkedHashMap<>();
                    paths.put("nginx proxy " + size, new Target(NGINX_PROXY, null, null));
                    paths.put(OFF + " " + size, new Target(GATEWAY, HOST, meteringOff));
                    paths.put(ON + " " + size, new Target(GATEWAY_METERED, HOST, meteringOn));
                    paths.put(TWIN + " " + size, new Target(GATEWAY_TWIN, HOST, twin));
                    paths.put(METERED_TWIN + " " + size, new Target(GATEWAY_METERED_TWIN, HOST, meteredTwin));
                    outcomes.put("direct " + size, measure(new Target(UPSTREAM, null, null), size, SECONDS));
                    outcomes.putAll(throughputInRounds(paths, size));
                    outcomes.put(OFF_BOTH + " " + size, Wrk.Outcome.pooled(List.of(outcomes.get(OFF + " " + size), outcomes.get(TWIN + " " + size))));
                    outcomes.put(ON_BOTH + " " + size, Wrk.Outcome.pooled(List.of(outcomes.get(ON + " " + size), outcomes.get(METERED_TWIN + " " + size))));
                    paths.remove("nginx proxy " + size);
                    atFixedRate.putAll(latencyAtFixedRateInRounds(paths, size));
                    atFixedRate.put(OFF_BOTH + " " + size, FixedRateLoad.Outcome.pooled(List.of(atFixedRate.get(OFF + " " + size), atFixedRate.get(TWIN + " " + size))));
                    atFixedRate.put(ON_BOTH + " " + size, FixedRateLoad.Outcome.pooled(List.of(atFixedRate.get(ON + " " + size), atFixedRate.get(METERED_TWIN + " " + size))));
                }
            } finally {
                for (ServiceProcess gateway : List.of(meteringOff, meteringOn, twin, meteredTwin)) {
                    gateway.stop();
                    gateway.awaitStopped(Duration.ofSeconds(20));
                }
            }
        }
        return results(outcomes, atFixedRate);
    }

    /** How {@code second} compares with {@code base}: throughput lost, p99 added (saturated and at a fixed rate), CPU added. */
    private static void compare(List<Result> results, String scenario, String base, String second, Map<String, Wrk.Outcome> outcomes,
            Map<String, FixedRateLoad.Outcome> atFixedRate, int rate, boolean targets) {
        Wrk.Outcome a = outcomes.get(base);
        Wrk.Outcome b = outcomes.get(second);
        double baseP99 = atFixedRate.get(base).latencies().getValueAtPercentile(99);
        double secondP99 = atFixedRate.get(second).latencies().getValueAtPercentile(99);
        results.add(new Result("gateway", scenario, "throughput loss", 100 * (1 - b.requestsPerSecond() / a.requestsPerSecond()), "%",
                targets ? "target <= 5 %" : ""));
        results.add(new Result("gateway", scenario, "p99 added at saturation (wrk)", b.p99Millis() - a.p99Millis(), "ms", ""));
        results.add(new Result("gateway", scenario, "p99 added at " + rate + " req/s", (secondP99 - baseP99) / 1e6, "ms", targets ? "target <= 1 ms" : ""));
        results.add(new Result("gateway", scenario, "CPU added per request", b.cpuMicrosPerRequest() - a.cpuMicrosPerRequest(), "µs",
                String.format("%.1f %% of the gateway's CPU per request", 100 * (b.cpuMicrosPerRequest() / a.cpuMicrosPerRequest() - 1))));
    }

    /** One way to the upstream: a port, the Host header to send (null: the port's own), and the JVM behind it, if any. */
    private record Target(int port, String host, ServiceProcess process) {

        String url(String size) {
            return "http://127.0.0.1:" + port + "/" + size;
        }
    }

    /** Rounds per comparison: the paths take turns, so drift on the shared machine falls on all of them alike. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);

    /**
     * The paths' throughput in turns: each warmed (a JVM until steady), then {@value #ROUNDS} rounds in which every
     * path runs {@code SECONDS / ROUNDS} seconds, starting with a different path each round. Measured one after the
     * other, minutes apart, the same two gateways differed by up to 25 % between runs; the ratios between paths
     * are what the targets are about, so the paths share the machine's moods.
     */
    private static Map<String, Wrk.Outcome> throughputInRounds(Map<String, Target> paths, String size) throws IOException, InterruptedException {
        for (Target path : paths.values()) {
            Wrk.run(path.url(size), path.host(), CONNECTIONS, WARMUP_SECONDS);
            if (path.process() != null) {
                warmUntilSteady(path.url(size), path.host());
            }
        }
        Map<String, List<Wrk.Outcome>> rounds = inTurns(List.copyOf(paths.keySet()), ROUNDS,
                name -> measure(paths.get(name), size, Math.max(1, SECONDS / ROUNDS)));
        Map<String, Wrk.Outcome> pooled = new LinkedHashMap<>();
        rounds.keySet().forEach(name -> {
            Wrk.Outcome outcome = Wrk.Outcome.pooled(rounds.get(name));
            pooled.put(name, outcome);
            Benchmarks.say(String.format("%s over %d rounds: %,.0f req/s%s", name, ROUNDS, outcome.requestsPerSecond(),
                    Double.isNaN(outcome.cpuMicrosPerRequest()) ? "" : String.format(", %.0f µs CPU per request", outcome.cpuMicrosPerRequest())));
        });
        return pooled;
    }

    /** One measurement of a named path. */
    private interface Measurement<T> {
        T of(String name) throws IOException, InterruptedException;
    }

    /** Each name measured {@code rounds} times, in turns, each round starting with the next name; in name order. */
    private static <T> Map<String, List<T>> inTurns(List<String> names, int rounds, Measurement<T> measurement)
            throws IOException, InterruptedException {
        Map<String, List<T>> results = new LinkedHashMap<>();
        names.forEach(name -> results.put(name, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < names.size(); turn++) {
                String name = names.get((round + turn) % names.size());
                results.get(name).add(measurement.of(name));
            }
        }
        return results;
    }

    /**
     * Request rates for the latency comparison of the gateway paths, the same for all and well under any one's
     * capacity: at wrk's saturating load p99 is the length of a queue, which swings by tens of milliseconds from
     * run to run on two shared cores; at a fixed rate it is the latency a request meets.
     */
    private static final Map<String, Integer> FIXED_RATES = Map.of("1k", 2_000, "100k", 1_000);
    private static final int FIXED_RATE_ROUNDS = Integer.getInteger("bench.fixed-rate-rounds", 6);
    private static final Duration FIXED_RATE_ROUND = Duration.ofSeconds(10);

    /**
     * Latency at a fixed rate, the gateway paths taking {@value #FIXED_RATE_ROUNDS} turns of 10 s each after a
     * 10-s warm-up; each path's latencies are the union of its turns. The machine stalls every ≈ 0.5 s for 10–30 ms
     * (docs/benchmarks.md), which sets p99 for every path; one run per path put more stalls on one than the other,
     * so the difference of p99s was mostly which run met more.
     */
    private static Map<String, FixedRateLoad.Outcome> latencyAtFixedRateInRounds(Map<String, Target> paths, String size)
            throws IOException, InterruptedException {
        int rate = FIXED_RATES.get(size);
        Map<String, FixedRateLoad> loads = new LinkedHashMap<>();
        paths.forEach((name, path) -> loads.put(name, new FixedRateLoad(java.net.URI.create(path.url(size)), Map.of("Host", path.host()))));
        for (FixedRateLoad load : loads.values()) {
            load.run(rate, FIXED_RATE_ROUND, CONNECTIONS);
        }
        Map<String, List<FixedRateLoad.Outcome>> rounds = inTurns(List.copyOf(loads.keySet()), FIXED_RATE_ROUNDS,
                name -> loads.get(name).run(rate, FIXED_RATE_ROUND, CONNECTIONS));
        Map<String, FixedRateLoad.Outcome> pooled = new LinkedHashMap<>();
        rounds.keySet().forEach(name -> {
            FixedRateLoad.Outcome outcome = FixedRateLoad.Outcome.pooled(rounds.get(name));
            pooled.put(name, outcome);
            Benchmarks.say(String.format("%s at %,d req/s over %d rounds: p50 %.2f ms, p99 %.2f ms, failures %d", name, rate, FIXED_RATE_ROUNDS,
                    outcome.latencies().getValueAtPercentile(50) / 1e6, outcome.latencies().getValueAtPercentile(99) / 1e6, outcome.failures()));
        });
        return pooled;
    }

    /**
     * For profiling sessions: the upstream, the nginx proxy and one gateway ({@code -Dbench.metering}, default on),
     * left running until this process is stopped, so wrk and a profiler can be pointed at them by hand.
     */
    void rig() throws Exception {
        String namespace = "bench-rig-" + UUID.randomUUID().toString().substring(0, 8);
        try (Nginx ignored = Nginx.start(root.resolve(".bench/nginx"), UPSTREAM, NGINX_PROXY)) {
            ServiceProcess gateway = startGateway(namespace, Boolean.parseBoolean(System.getProperty("bench.metering", "true")), GATEWAY);
            registerProject(namespace);
            awaitRouted(GATEWAY);
            Benchmarks.say("Rig ready: gateway on " + GATEWAY + " (Host " + HOST + "), nginx proxy on " + NGINX_PROXY
                    + ", upstream on " + UPSTREAM + "; stop this process to end it");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } finally {
                gateway.stop();
            }
        }
    }

    /**
     * One wrk run; for a JVM ({@code process} given) the CPU time it used per request during the run is recorded
     * too: a figure that other load on the machine disturbs much less than throughput does.
     */
    private static Wrk.Outcome measure(Target path, String size, int seconds) throws IOException, InterruptedException {
        java.util.Optional<Duration> cpuBefore = path.process() == null ? java.util.Optional.empty() : path.process().cpuTime();
        Wrk.Outcome outcome = Wrk.run(path.url(size), path.host(), CONNECTIONS, seconds);
        if (cpuBefore.isPresent()) {
            outcome = outcome.withCpu(path.process().cpuTime().orElseThrow().minus(cpuBefore.get()));
        }
        Benchmarks.say(String.format("%s%s: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d%s", path.url(size),
                path.host() == null ? "" : " (Host " + path.host() + ")", outcome.requestsPerSecond(), outcome.p50Millis(), outcome.p99Millis(),
                outcome.errors(), Double.isNaN(outcome.cpuMicrosPerRequest()) ? "" : String.format(", %.0f µs CPU per request", outcome.cpuMicrosPerRequest())));
        return outcome;
    }

    private static final int MAX_WARMUP_SECONDS = 180;

    /**
     * A JVM is warmed until its throughput is steady (two 5-second runs within 5 % of each other, at most
     * {@value #MAX_WARMUP_SECONDS} s): its JIT compilers take tens of seconds of CPU on two shared cores, and a
     * fixed short warm-up measured them rather than the proxy (docs/benchmarks.md).
     */
    private static void warmUntilSteady(String url, String host) throws IOException, InterruptedException {
        double previous = 0;
        for (int elapsed = 0; elapsed < MAX_WARMUP_SECONDS; elapsed += 5) {
            double current = Wrk.run(url, host, CONNECTIONS, 5).requestsPerSecond();
            if (previous > 0 && Math.abs(current - previous) <= 0.05 * previous) {
                Benchmarks.say(String.format("%s steady after %d s more warm-up (%,.0f req/s)", url, elapsed + 5, current));
                return;
            }
            previous = current;
        }
        Benchmarks.say(url + " not steady after " + MAX_WARMUP_SECONDS + " s of extra warm-up; measuring anyway");
    }

    private ServiceProcess startGateway(String namespace, boolean metering, int port) throws Exception {
        return startGateway(root, logs, kafka, namespace, metering, port);
    }

    /** A gateway JVM from {@code gateway/target/gateway.jar}, rate limits off (the bare proxy path is measured), ready. */
    static ServiceProcess startGateway(Path root, Path logs, KafkaBroker kafka, String namespace, boolean metering, int port) throws Exception {
        ServiceProcess gateway = new ServiceProcess("bench-gateway-metering-" + (metering ? "on" : "off"), port,
                root.resolve("gateway/target/gateway.jar"),
                java.util.stream.Stream.concat(java.util.stream.Stream.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"), JVM_EXTRA.stream()).toList(),
                java.util.stream.Stream.concat(EXTRA.stream(), java.util.stream.Stream.of("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--servelink.kafka.topic-namespace=" + namespace,
                        "--servelink.kafka.provision-topics=true",
                        "--servelink.security.hmac-secret=benchmark-only-secret-0123456789-abcdefghij",
                        "--servelink.gateway.metering.enabled=" + metering,
                        // the metered gateways enforce too (traffic limits, sleeping projects): their cost is measured together
                        "--servelink.gateway.limits.enabled=" + metering,
                        "--servelink.gateway.sleep.enabled=" + metering,
                        "--servelink.gateway.rate-limits.enabled=false", // the bare proxy path is measured
                        "--logging.level.root=WARN")).toList(),
                logs);
        gateway.start(Path.of(System.getProperty("java.home")));
        gateway.awaitReady(Duration.ofMinutes(2));
        return gateway;
    }

    /**
     * The measured project, and enforcement's state as a platform has it: {@value #OTHER_TEAMS} other teams' usage
     * states (one in ten blocked this month) and as many other projects' sleep states (one in ten asleep), plus a
     * blocked team's project the metered gateways must refuse ({@link #awaitEnforcing}). The measured project's team
     * has a state of this month that does not block.
     */
    private void registerProject(String namespace) throws Exception {
        TopicNames topics = new TopicNames(namespace);
        EventCodec codec = new EventCodec();
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < OTHER_TEAMS; i++) {
                sent.add(send(producer, codec, topics.teamUsageState(), "team-" + i, teamState("team-" + i, month, i % 10 == 0)));
                sent.add(send(producer, codec, topics.projectSleep(), "project-" + i,
                        new ProjectSleepState("project-" + i, "team-" + i, i % 10 == 0, Instant.now(), 1)));
            }
            sent.add(send(producer, codec, topics.teamUsageState(), "bench", teamState("bench", month, false)));
            sent.add(send(producer, codec, topics.teamUsageState(), "bench-blocked", teamState("bench-blocked", month, true)));
            sent.add(send(producer, codec, topics.projects(), "bench-blocked", new ProjectChanged("bench-blocked", "bench-blocked",
                    List.of(BLOCKED_HOST), URI.create("http://127.0.0.1:" + UPSTREAM), ProjectStatus.ACTIVE)));
            sent.add(send(producer, codec, topics.projects(), "bench", new ProjectChanged("bench", "bench", List.of(HOST),
                    URI.create("http://127.0.0.1:" + UPSTREAM), ProjectStatus.ACTIVE)));
            for (java.util.concurrent.Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Publishes an active project of team {@code bench} on the namespace's projects topic. */
    static void registerProject(KafkaBroker kafka, String namespace, String projectId, String host, int upstreamPort) throws Exception {
        ProjectChanged project = new ProjectChanged(projectId, "bench", List.of(host), URI.create("http://127.0.0.1:" + upstreamPort),
                ProjectStatus.ACTIVE);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(new TopicNames(namespace).projects(), projectId,
                    new EventCodec().encode(EventEnvelope.of(project, Instant.now())))).get(30, TimeUnit.SECONDS);
        }
    }

    private static java.util.concurrent.Future<?> send(KafkaProducer<String, byte[]> producer, EventCodec codec, String topic, String key,
            io.servelink.contracts.events.Event payload) {
        return producer.send(new ProducerRecord<>(topic, key, codec.encode(EventEnvelope.of(payload, Instant.now()))));
    }

    private static TeamUsageState teamState(String team, String month, boolean blocked) {
        long limit = 10_000_000_000L;
        return new TeamUsageState(team, month, "free", TrafficPolicy.STOP, 100, blocked ? limit : limit / 2, limit, blocked,
                0, limit, false, Instant.now(), 1);
    }

    /** Waits until a metered gateway has the team states: it refuses the blocked team's project (402). */
    private static void awaitEnforcing(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/1k")).header("Host", BLOCKED_HOST)
                .timeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 120; i++) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 402) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("The gateway on port " + port + " never refused the blocked team's " + BLOCKED_HOST);
    }

    private static void awaitRouted(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/1k")).header("Host", HOST)
                .timeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 120; i++) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("The gateway never routed " + HOST);
    }

    private static List<Result> results(Map<String, Wrk.Outcome> outcomes, Map<String, FixedRateLoad.Outcome> atFixedRate) {
        List<Result> results = new ArrayList<>();
        outcomes.forEach((scenario, o) -> {
            results.add(new Result("gateway", scenario, "throughput", o.requestsPerSecond(), "requests/s", o.errors() > 0 ? o.errors() + " errors" : ""));
            results.add(new Result("gateway", scenario, "p50", o.p50Millis(), "ms", ""));
            results.add(new Result("gateway", scenario, "p99", o.p99Millis(), "ms", ""));
            if (!Double.isNaN(o.cpuMicrosPerRequest())) {
                results.add(new Result("gateway", scenario, "gateway CPU per request", o.cpuMicrosPerRequest(), "µs", ""));
            }
        });
        for (String size : List.of("1k", "100k")) {
            Wrk.Outcome nginx = outcomes.get("nginx proxy " + size);
            Wrk.Outcome on = outcomes.get(ON_BOTH + " " + size);
            int rate = FIXED_RATES.get(size);
            for (String path : List.of(OFF, ON, TWIN, METERED_TWIN, OFF_BOTH, ON_BOTH)) {
                FixedRateLoad.Outcome fixed = atFixedRate.get(path + " " + size);
                String scenario = path + " " + size + " at " + rate + " req/s";
                results.add(new Result("gateway", scenario, "p50", fixed.latencies().getValueAtPercentile(50) / 1e6, "ms", ""));
                results.add(new Result("gateway", scenario, "p99", fixed.latencies().getValueAtPercentile(99) / 1e6, "ms",
                        fixed.failures() + " failures of " + fixed.latencies().getTotalCount()));
            }
            compare(results, "metering cost " + size + " (two JVMs each)", OFF_BOTH + " " + size, ON_BOTH + " " + size, outcomes, atFixedRate, rate, true);
            compare(results, "two identical gateways " + size + ", metering off (A/A: the method's resolution)", OFF + " " + size,
                    TWIN + " " + size, outcomes, atFixedRate, rate, false);
            compare(results, "two identical gateways " + size + ", metering on (A/A: the method's resolution)", ON + " " + size,
                    METERED_TWIN + " " + size, outcomes, atFixedRate, rate, false);
            results.add(new Result("gateway", "gateway (metering on, both JVMs) vs nginx " + size, "throughput ratio",
                    on.requestsPerSecond() / nginx.requestsPerSecond(), "x", "target >= 0.5"));
        }
        return results;
    }
}
