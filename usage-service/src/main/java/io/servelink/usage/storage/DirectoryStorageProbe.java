package io.servelink.usage.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Disk use per project on a single host: each project's data directory {@code <root>/<project id>}, measured as
 * {@code du -s -x -P} would: the blocks the filesystem allocated to every file, directory and symlink in the tree
 * ({@code statx} {@code stx_blocks} x 512, so a sparse file counts what it occupies, not its length), symlinks not
 * followed, other filesystems mounted inside not entered, a file with several hard links counted once. All of it is
 * volume bytes.
 * <p>
 * A project directory that cannot be read completely (permissions, I/O error) is left out and makes the snapshot
 * partial, naming the project; a root that cannot be listed fails the run. Files that vanish during the walk are
 * simply not counted. The walk blocks, so it runs on {@code boundedElastic}.
 */
final class DirectoryStorageProbe implements StorageProbe {

    private final Path root;
    private final FileStatus files;

    DirectoryStorageProbe(Path root, FileStatus files) {
        if (root == null) {
            throw new IllegalStateException("servelink.usage.storage.directory.root must be set for the directory probe "
                    + "(each project's data lives in <root>/<project id>)");
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("servelink.usage.storage.directory.root must name an existing directory; got " + root);
        }
        this.root = root;
        this.files = files;
    }

    @Override
    public String source() {
        return "directory";
    }

    @Override
    public Mono<StorageSnapshot> measure() {
        return Mono.fromCallable(this::walk).subscribeOn(Schedulers.boundedElastic());
    }

    private StorageSnapshot walk() throws IOException {
        Map<String, ProjectStorage> projects = new HashMap<>();
        List<String> problems = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path project : entries) {
                if (!Files.isDirectory(project, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String id = project.getFileName().toString();
                try {
                    projects.put(id, new ProjectStorage(allocatedBytes(project), 0, 0));
                } catch (IOException e) {
                    problems.add("project " + id + ": " + e);
                }
            }
        }
        return new StorageSnapshot(projects, problems.isEmpty(), problems);
    }

    /** Bytes allocated to the tree at {@code top}, on {@code top}'s filesystem only. */
    long allocatedBytes(Path top) throws IOException {
        long device = files.stat(top).device();
        Set<String> linked = new HashSet<>();
        long[] total = {0};
        Files.walkFileTree(top, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                return count(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                count(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }

            /** Adds the entry's blocks unless it lies on another filesystem or is a hard link already counted. */
            private boolean count(Path path) throws IOException {
                FileStatus.Stat stat;
                try {
                    stat = files.stat(path);
                } catch (NoSuchFileException vanished) {
                    return false;
                }
                if (stat.device() != device) {
                    return false;
                }
                if (stat.links() > 1 && !stat.directory() && !linked.add(stat.device() + ":" + stat.inode())) {
                    return true;
                }
                total[0] = Math.addExact(total[0], stat.allocatedBytes());
                return true;
            }
        });
        return total[0];
    }
}
