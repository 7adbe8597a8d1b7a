package io.servelink.usage.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory probe on real files in a temporary directory. The reference for "allocated bytes" is coreutils'
 * {@code du -s -B1 -x -P} of the same directory (blocks allocated, one filesystem, symlinks not followed).
 */
class DirectoryStorageProbeTest {

    @TempDir
    Path root;
    Path outside;

    @BeforeEach
    void projects() throws IOException {
        outside = Files.createTempDirectory("outside-the-root");
    }

    @Test
    void countsTheBlocksASparseFileOccupiesNotItsLength() throws Exception {
        Path sparse = Files.createDirectories(root.resolve("sparse"));
        try (RandomAccessFile file = new RandomAccessFile(sparse.resolve("disk.img").toFile(), "rw")) {
            file.setLength(100_000_000);
        }
        Path dense = Files.createDirectories(root.resolve("dense"));
        write(dense.resolve("data.bin"), 100_000);

        StorageSnapshot snapshot = measure();

        assertThat(Files.size(sparse.resolve("disk.img"))).isEqualTo(100_000_000);
        assertThat(volume(snapshot, "sparse")).isEqualTo(du(sparse)).isLessThan(1_000_000);
        assertThat(volume(snapshot, "dense")).isEqualTo(du(dense)).isGreaterThanOrEqualTo(100_000);
        assertThat(snapshot.complete()).isTrue();
    }

    @Test
    void measuresEachProjectDirectoryAsDuDoesWithNestedDirectories() throws Exception {
        Path shop = Files.createDirectories(root.resolve("shop").resolve("uploads").resolve("2026"));
        write(shop.resolve("a.jpg"), 123_457);
        write(shop.getParent().resolve("index.txt"), 10);
        write(root.resolve("shop").resolve("db"), 1_000_001);
        Path blog = Files.createDirectories(root.resolve("blog"));
        write(blog.resolve("post.md"), 4_000);
        write(root.resolve("stray-file-at-the-root"), 50_000);

        StorageSnapshot snapshot = measure();

        assertThat(snapshot.projects()).containsOnlyKeys("shop", "blog");
        assertThat(volume(snapshot, "shop")).isEqualTo(du(root.resolve("shop")));
        assertThat(volume(snapshot, "blog")).isEqualTo(du(blog));
        assertThat(snapshot.projects().get("shop").imageBytes()).isZero();
        assertThat(snapshot.projects().get("shop").containerBytes()).isZero();
    }

    @Test
    void doesNotFollowSymlinksOutOfTheProject() throws Exception {
        write(outside.resolve("huge.bin"), 5_000_000);
        Path shop = Files.createDirectories(root.resolve("shop"));
        write(shop.resolve("own.bin"), 20_000);
        Files.createSymbolicLink(shop.resolve("link-to-huge"), outside.resolve("huge.bin"));
        Files.createSymbolicLink(shop.resolve("link-to-dir"), outside);
        Files.createSymbolicLink(root.resolve("linked-project"), outside);

        StorageSnapshot snapshot = measure();

        assertThat(snapshot.projects()).containsOnlyKeys("shop");
        assertThat(volume(snapshot, "shop")).isEqualTo(du(shop)).isLessThan(1_000_000);
    }

    @Test
    void countsAFileWithSeveralHardLinksOnce() throws Exception {
        Path shop = Files.createDirectories(root.resolve("shop"));
        write(shop.resolve("original.bin"), 2_000_000);
        Files.createLink(shop.resolve("second-name.bin"), shop.resolve("original.bin"));

        StorageSnapshot snapshot = measure();

        assertThat(volume(snapshot, "shop")).isEqualTo(du(shop)).isLessThan(4_000_000);
    }

    @Test
    void growsByTheBlocksOfAFileWrittenIntoTheProject() throws Exception {
        Path shop = Files.createDirectories(root.resolve("shop"));
        write(shop.resolve("before.bin"), 10_000);
        long before = volume(measure(), "shop");

        write(shop.resolve("after.bin"), 300_000);

        long after = volume(measure(), "shop");
        assertThat(after - before).isBetween(300_000L, 300_000L + 65_536);
        assertThat(after).isEqualTo(du(shop));
    }

    @Test
    void leavesOutAProjectItCannotReadCompletelyAndAnswersPartialNamingIt() throws Exception {
        Path shop = Files.createDirectories(root.resolve("shop"));
        write(shop.resolve("db"), 50_000);
        Path blog = Files.createDirectories(root.resolve("blog").resolve("drafts"));
        write(blog.resolve("post.md"), 4_000);
        FileStatus failingOnDrafts = new FileStatus() {
            @Override
            Stat stat(Path path) throws IOException {
                if (path.getFileName().toString().equals("post.md")) {
                    throw new IOException("statx " + path + " failed with errno 5");
                }
                return super.stat(path);
            }
        };

        StorageSnapshot snapshot = new DirectoryStorageProbe(root, failingOnDrafts).measure().block(Duration.ofSeconds(30));

        assertThat(snapshot.complete()).isFalse();
        assertThat(snapshot.projects()).containsOnlyKeys("shop");
        assertThat(volume(snapshot, "shop")).isEqualTo(du(shop));
        assertThat(snapshot.problems()).singleElement().asString().startsWith("project blog:").contains("errno 5");
    }

    @Test
    void failsWhenTheRootCannotBeListed() throws Exception {
        Path gone = Files.createDirectories(root.resolve("data"));
        DirectoryStorageProbe probe = new DirectoryStorageProbe(gone, new FileStatus());
        Files.delete(gone);

        assertThatThrownBy(() -> probe.measure().block(Duration.ofSeconds(30))).hasStackTraceContaining(gone.toString());
    }

    @Test
    void refusesToStartWithoutAnExistingRoot() {
        assertThatThrownBy(() -> new DirectoryStorageProbe(root.resolve("missing"), new FileStatus()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("servelink.usage.storage.directory.root must name an existing directory");
        assertThatThrownBy(() -> new DirectoryStorageProbe(null, new FileStatus()))
                .hasMessageContaining("servelink.usage.storage.directory.root must be set");
    }

    private StorageSnapshot measure() {
        return new DirectoryStorageProbe(root, new FileStatus()).measure().block(Duration.ofSeconds(30));
    }

    private static long volume(StorageSnapshot snapshot, String project) {
        return snapshot.projects().get(project).volumeBytes();
    }

    private static void write(Path file, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        Files.write(file, data);
    }

    /** coreutils' answer: bytes allocated to the tree, this filesystem only, symlinks not followed. */
    private static long du(Path path) throws Exception {
        Process du = new ProcessBuilder("du", "-s", "-B1", "-x", "-P", path.toString()).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(du.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(du.exitValue()).isZero();
        return Long.parseLong(out.split("\\s+")[0]);
    }
}
