package io.servelink.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack ({@code io.servelink.local.LocalStack}, the README's run command) as a child process of the test,
 * on the fixed local ports; ready when it prints its welcome (services ready, demo data seeded). Stopped with
 * SIGTERM, which runs the launcher's shutdown hook (it stops the services it started).
 *
 * <p>It runs with {@code --test-tokens}: the tests need tokens for teams they create, which the gateway's
 * {@code /dev/token} mints (HS256, test secret) and the identity provider's fixed demo users cannot give.
 *
 * <p>For the test only, the services inherit {@code SERVELINK_USAGE_INACTIVITY_AFTER} ({@code -De2e.inactivity-after},
 * default 20 s instead of 5 days), so the operator's run of the {@code inactive-projects} job puts a quiet Free project
 * to sleep within the run.
 */
final class LocalStackProcess implements AutoCloseable {

    private static final String READY_LINE = "Servelink is running";
    private static final int[] PORTS = {8080, 8081, 8082, 8083, 8084, 8090};
    /** The launcher's line naming the embedded broker: "PostgreSQL on ..., Kafka on host:port, demo upstream on ...". */
    private static final Pattern KAFKA = Pattern.compile("Kafka on (\\S+),");

    private final Process process;
    private final Path log;

    private LocalStackProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static LocalStackProcess start(Path root, Duration timeout) throws IOException, InterruptedException {
        for (int port : PORTS) {
            try (ServerSocket ignored = new ServerSocket(port)) {
                // free
            } catch (IOException e) {
                throw new IllegalStateException("Port " + port + " is in use. Stop what runs there, or point the test at a "
                        + "running stack with -De2e.base-url=http://localhost:8080");
            }
        }
        Path log = Files.createDirectories(Path.of("target")).resolve("local-stack.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "io.servelink.local.LocalStack", "--root=" + root, "--test-tokens"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SERVELINK_USAGE_INACTIVITY_AFTER", System.getProperty("e2e.inactivity-after", "20s"));
        Process process = builder.start();
        LocalStackProcess stack = new LocalStackProcess(process, log);
        stack.awaitReady(timeout);
        return stack;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(READY_LINE)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("The local stack stopped (exit " + process.exitValue() + "); see " + log.toAbsolutePath());
            }
            Thread.sleep(1000);
        }
        close();
        throw new IllegalStateException("The local stack was not ready within " + timeout + "; see " + log.toAbsolutePath());
    }

    /** The embedded Kafka broker's bootstrap servers, as the launcher printed them. */
    String kafkaBootstrapServers() throws IOException {
        Matcher matcher = KAFKA.matcher(Files.readString(log));
        if (!matcher.find()) {
            throw new IllegalStateException("The local stack did not print its Kafka address; see " + log.toAbsolutePath());
        }
        return matcher.group(1);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
