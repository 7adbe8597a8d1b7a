package io.servelink.usage.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.servelink.starter.client.PeerClients;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker probe against a real Docker-compatible engine: Podman's API service ({@code podman system service}) on a
 * storage root, run root and socket of this test's own, vfs storage driver. Volumes hold known bytes, an image is
 * imported from a tarball built here (no registry is needed), and a container's writable layer is written through
 * {@code podman mount}. The engine is asked over its unix socket and over TCP.
 * <p>
 * What is compared: volume bytes are exactly the bytes written into the project's labelled volumes (the engine
 * reports the files' apparent sizes); container bytes are exactly the bytes written into the project's containers'
 * writable layers; image bytes are the engine's own size of the imported image (its {@code GET /images/{id}/json}),
 * which lies between the tarball's length and the tarball plus 4 KiB (the image's config and manifest).
 */
class DockerStorageProbeIT {

    private static final String LABEL = "servelink.project";
    private static final long P1_VOLUME_BYTES = 100_000 + 23_456;
    private static final long P1_WRITABLE_BYTES = 30_000;
    private static final long P2_VOLUME_BYTES = 40_000;

    @TempDir
    static Path dir;

    static List<String> podman;
    static final List<Process> services = new ArrayList<>();
    static Path socket;
    static int tcpPort;
    static long tarballBytes;
    static String imageId;

    @BeforeAll
    static void engineWithKnownBytes() throws Exception {
        assumeTrue(installed(), "podman is not installed (Debian: apt-get install -y podman; .ci/run installs it): "
                + "the Docker probe cannot be tested against a real engine here");
        podman = List.of("podman", "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("run").toString(),
                "--tmpdir", dir.resolve("tmp").toString(), "--storage-driver=vfs", "--events-backend=file",
                "--cgroup-manager=cgroupfs");

        Path p1 = volume("p1-data", "p1");
        fill(p1, "db", 100_000);
        fill(p1, "wal", 23_456);
        fill(volume("p2-data", "p2"), "db", 40_000);
        fill(volume("orphan", null), "junk", 70_000);

        Path rootfs = Files.createDirectories(dir.resolve("image"));
        fill(rootfs, "app.bin", 50_000);
        Files.writeString(rootfs.resolve("hello"), "hello\n");
        Path tarball = dir.resolve("image.tar");
        run(List.of("tar", "-C", rootfs.toString(), "-cf", tarball.toString(), "."));
        tarballBytes = Files.size(tarball);
        imageId = run(with("import", tarball.toString(), "servelink-probe-test:1")).strip().replace("sha256:", "");

        run(with("create", "--label", LABEL + "=p1", "--name", "p1-web", "servelink-probe-test:1", "/hello"));
        run(with("create", "--label", LABEL + "=p1", "--name", "p1-worker", "servelink-probe-test:1", "/hello"));
        run(with("create", "--label", LABEL + "=p2", "--name", "p2-web", "servelink-probe-test:1", "/hello"));
        run(with("create", "--name", "unlabelled", "servelink-probe-test:1", "/hello"));
        Path layer = Path.of(run(with("mount", "p1-web")).strip());
        fill(layer, "written-at-runtime", P1_WRITABLE_BYTES);
        run(with("unmount", "p1-web"));
        Path other = Path.of(run(with("mount", "unlabelled")).strip());
        fill(other, "not-a-project", 12_345);
        run(with("unmount", "unlabelled"));

        socket = dir.resolve("podman.sock");
        tcpPort = freePort();
        services.add(serve("unix://" + socket));
        services.add(serve("tcp:127.0.0.1:" + tcpPort));
        awaitEngine(URI.create("unix://" + socket));
        awaitEngine(URI.create("http://127.0.0.1:" + tcpPort));
    }

    @AfterAll
    static void stopEngines() throws InterruptedException {
        for (Process service : services) {
            service.destroy();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void measuresLabelledVolumesImagesAndWritableLayersOverTheUnixSocket() {
        assertKnownBytes(probe(URI.create("unix://" + socket)).measure().block(Duration.ofSeconds(60)));
    }

    @Test
    void measuresLabelledVolumesImagesAndWritableLayersOverTcp() {
        assertKnownBytes(probe(URI.create("http://127.0.0.1:" + tcpPort)).measure().block(Duration.ofSeconds(60)));
    }

    @Test
    void failsNamingTheSocketWhenNoEngineListensThere() {
        DockerStorageProbe probe = probe(URI.create("unix://" + dir.resolve("nobody.sock")));
        assertThatThrownBy(() -> probe.measure().block(Duration.ofSeconds(60)))
                .hasMessageContaining("Docker engine at unix://" + dir.resolve("nobody.sock") + " failed");
    }

    private static void assertKnownBytes(StorageSnapshot snapshot) {
        long imageBytes = engineImageSize();
        assertThat(imageBytes).isBetween(tarballBytes, tarballBytes + 4096);
        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.problems()).isEmpty();
        assertThat(snapshot.projects()).containsOnlyKeys("p1", "p2");
        assertThat(snapshot.projects().get("p1")).isEqualTo(new ProjectStorage(P1_VOLUME_BYTES, imageBytes, P1_WRITABLE_BYTES));
        assertThat(snapshot.projects().get("p2")).isEqualTo(new ProjectStorage(P2_VOLUME_BYTES, imageBytes, 0));
    }

    private static long engineImageSize() {
        Map<?, ?> image = WebClient.create("http://127.0.0.1:" + tcpPort).get().uri("/v1.41/images/{id}/json", imageId)
                .retrieve().bodyToMono(Map.class).block(Duration.ofSeconds(30));
        return ((Number) image.get("Size")).longValue();
    }

    private static DockerStorageProbe probe(URI url) {
        PeerClients peers = new PeerClients(WebClient::builder, JsonMapper.builder().build(), CircuitBreakerRegistry.ofDefaults(),
                TimeLimiterRegistry.ofDefaults(), RetryRegistry.ofDefaults());
        StorageSettings.Docker settings = new StorageSettings.Docker(url, LABEL, "v1.41", Duration.ofSeconds(2), Duration.ofSeconds(20));
        return new DockerStorageProbe(new DockerEngineClient(settings, peers), LABEL);
    }

    /** Creates the volume (labelled when {@code project} is not null) and answers its mount point. */
    private static Path volume(String name, String project) throws Exception {
        List<String> create = new ArrayList<>(with("volume", "create"));
        if (project != null) {
            create.addAll(List.of("--label", LABEL + "=" + project));
        }
        create.add(name);
        run(create);
        return Path.of(run(with("volume", "inspect", "--format", "{{.Mountpoint}}", name)).strip());
    }

    private static void fill(Path directory, String file, long bytes) throws IOException {
        byte[] data = new byte[Math.toIntExact(bytes)];
        new Random(bytes).nextBytes(data);
        try (OutputStream out = Files.newOutputStream(directory.resolve(file))) {
            out.write(data);
        }
    }

    private static Process serve(String address) throws IOException {
        List<String> command = new ArrayList<>(with("system", "service", "--time=0", address));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service-" + services.size() + ".log").toFile()).start();
    }

    private static void awaitEngine(URI url) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                probe(url).measure().block(Duration.ofSeconds(10));
                return;
            } catch (RuntimeException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("podman system service did not answer at " + url, notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<String> with(String... arguments) {
        List<String> command = new ArrayList<>(podman);
        command.addAll(List.of(arguments));
        return command;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile(dir, "podman", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(errors));
        }
        return out;
    }

    private static boolean installed() {
        try {
            return new ProcessBuilder("podman", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
