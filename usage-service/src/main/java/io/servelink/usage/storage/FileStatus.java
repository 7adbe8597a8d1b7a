package io.servelink.usage.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Linux {@code statx(2)} through the JDK's foreign function API, for what {@code java.nio.file} does not tell: the
 * blocks a file occupies ({@code stx_blocks}, 512-byte units: what {@code du} counts), its device and inode. The
 * {@code struct statx} layout is the same on every Linux architecture, unlike {@code struct stat}. Links are not
 * followed. Made once; fails when the C library has no {@code statx} (glibc before 2.28). Not final: tests make one
 * fail on a given path.
 */
class FileStatus {

    /** What one {@code statx} call answers; {@code allocatedBytes} is {@code stx_blocks * 512}. */
    record Stat(long allocatedBytes, long apparentBytes, long device, long inode, int links, boolean directory) {
    }

    private static final int AT_FDCWD = -100;
    private static final int ENOENT = 2;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int S_IFMT = 0xf000;
    private static final int S_IFDIR = 0x4000;
    private static final long STATX_SIZE = 256;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final MethodHandle statx;

    FileStatus() {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find("statx").orElseThrow(() -> new IllegalStateException(
                "the directory storage probe needs statx(2) from the C library (Linux, glibc 2.28 or later)"));
        this.statx = linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
    }

    Stat stat(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(STATX_SIZE, 8);
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) statx.invokeExact(state, AT_FDCWD, arena.allocateFrom(path.toString()), AT_SYMLINK_NOFOLLOW,
                    STATX_BASIC_STATS, buffer);
            if (result != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == ENOENT) {
                    throw new NoSuchFileException(path.toString());
                }
                throw new IOException("statx " + path + " failed with errno " + errno);
            }
            int mode = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, 28));
            long device = ((long) buffer.get(ValueLayout.JAVA_INT, 136) << 32) | Integer.toUnsignedLong(buffer.get(ValueLayout.JAVA_INT, 140));
            return new Stat(buffer.get(ValueLayout.JAVA_LONG, 48) * 512, buffer.get(ValueLayout.JAVA_LONG, 40), device,
                    buffer.get(ValueLayout.JAVA_LONG, 32), buffer.get(ValueLayout.JAVA_INT, 16), (mode & S_IFMT) == S_IFDIR);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("statx " + path, e);
        }
    }
}
