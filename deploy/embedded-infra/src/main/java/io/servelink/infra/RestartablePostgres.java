package io.servelink.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL server that one test owns, so that it can stop and start it under a running service
 * (the machine's shared server must never be restarted by a test). It keeps its port and its data directory
 * across restarts; {@link #close()} stops it and deletes the data.
 */
public final class RestartablePostgres implements PostgresServer, AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres running;

    private RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Creates a server in a fresh temporary directory on a free port and starts it. */
    public static RestartablePostgres start() {
        try {
            RestartablePostgres server = new RestartablePostgres(Files.createTempDirectory("servelink-pg-"), freePort());
            server.startServer();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare an embedded PostgreSQL", e);
        }
    }

    /** Starts the server again (same port, same data); nothing happens when it runs. */
    public synchronized void startServer() {
        if (running != null) {
            return;
        }
        try {
            running = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL on port " + port, e);
        }
    }

    /**
     * Stops the server the way an operator's restart does ({@code pg_ctl stop -m fast}): open connections are
     * terminated, transactions in flight roll back, new connections are refused until {@link #startServer()}.
     */
    public synchronized void stopServer() {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop embedded PostgreSQL on port " + port, e);
        } finally {
            running = null;
        }
    }

    @Override
    public String kind() {
        return "restartable embedded";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public synchronized void close() {
        stopServer();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the operating system cleans it eventually
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
