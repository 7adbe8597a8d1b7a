package io.servelink.infra.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One service of the suite, run from its executable jar as a child process with its log in a file. */
public final class ServiceProcess {

    private final String name;
    private final int port;
    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> arguments;
    private final Path log;
    private Process process;
    private boolean startedBefore;

    /** JVM options for a developer's machine: small heap, quick start. */
    public static final List<String> QUICK_START = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

    public ServiceProcess(String name, int port, Path jar, List<String> arguments, Path logDirectory) {
        this(name, port, jar, QUICK_START, arguments, logDirectory);
    }

    public ServiceProcess(String name, int port, Path jar, List<String> jvmOptions, List<String> arguments, Path logDirectory) {
        this.name = name;
        this.port = port;
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.arguments = List.copyOf(arguments);
        this.log = logDirectory.resolve(name + ".log");
    }

    /** Arguments that point a service at one database of {@code postgres}: R2DBC for the service, JDBC for Liquibase. */
    public static List<String> databaseArguments(io.servelink.infra.PostgresServer postgres, String database) {
        return List.of("--spring.r2dbc.url=" + postgres.r2dbcUrl(database),
                "--spring.r2dbc.username=" + postgres.username(), "--spring.r2dbc.password=" + postgres.password(),
                "--spring.liquibase.url=" + postgres.jdbcUrl(database),
                "--spring.liquibase.user=" + postgres.username(), "--spring.liquibase.password=" + postgres.password());
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** Starts the service; a restart appends to the log of the earlier run. */
    public void start(Path javaHome) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
        command.addAll(arguments);
        ProcessBuilder.Redirect output = startedBefore ? ProcessBuilder.Redirect.appendTo(log.toFile())
                : ProcessBuilder.Redirect.to(log.toFile());
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        startedBefore = true;
    }

    /** Waits until the service answers its readiness probe; fails early when the process dies. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " did not become ready within " + timeout + "; see " + log);
    }

    /** The running process's id. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return process.pid();
    }

    /** CPU time the process has used so far (all its threads), where the platform tells. */
    public java.util.Optional<Duration> cpuTime() {
        return process == null ? java.util.Optional.empty() : process.toHandle().info().totalCpuDuration();
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the process at once (SIGKILL): no shutdown hook, no graceful drain, as a crash or an OOM kill would. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    public void awaitStopped(Duration timeout) throws InterruptedException {
        if (process != null && !process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
    }
}
