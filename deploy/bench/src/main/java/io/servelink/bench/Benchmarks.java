package io.servelink.bench;

import io.servelink.infra.KafkaBroker;
import io.servelink.infra.KafkaBrokers;
import io.servelink.infra.PostgresServer;
import io.servelink.infra.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmarks and writes {@code docs/benchmarks/results.md} and {@code results.png}.
 * Arguments: {@code --root=<repo>}, {@code --suites=gateway,websocket,ingestion,api}, {@code --events=N}.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        Path root = Path.of(argument(args, "--root", System.getProperty("user.dir"))).toAbsolutePath();
        Set<String> suites = Set.of(argument(args, "--suites", "gateway,websocket,ingestion,api").split(","));
        int events = Integer.parseInt(argument(args, "--events", "2000000"));
        Path logs = Files.createDirectories(root.resolve(".bench/logs"));
        Path out = Files.createDirectories(root.resolve("docs/benchmarks"));

        PostgresServer postgres = PostgresServers.shared();
        KafkaBroker kafka = KafkaBrokers.inJvm(0);
        List<Result> results = new ArrayList<>();
        if (suites.contains("gateway-rig")) {
            new GatewayBenchmark(root, logs, kafka).rig();
        }
        if (suites.contains("gateway")) {
            results.addAll(new GatewayBenchmark(root, logs, kafka).run());
        }
        if (suites.contains("websocket")) {
            results.addAll(new WebSocketBenchmark(root, logs, kafka).run());
        }
        if (suites.contains("ingestion")) {
            results.addAll(new IngestionBenchmark(root, logs, postgres, kafka).run(events));
        }
        if (suites.contains("api")) {
            results.addAll(new ApiLatencyBenchmark(root, logs, postgres, kafka).run());
        }
        Report.write(out, results, Instant.now());
        say("Results written to " + out.resolve("results.md") + " and " + out.resolve("results.png"));
        System.exit(0);
    }

    /** A system property's values, split by {@code separator}; {@code fallback} when it is unset or blank. */
    static List<String> listProperty(String name, String separator, List<String> fallback) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? fallback : List.of(value.strip().split(separator));
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
    }

    private static String argument(String[] args, String name, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(name + "=")) {
                return arg.substring(name.length() + 1);
            }
        }
        return fallback;
    }
}
