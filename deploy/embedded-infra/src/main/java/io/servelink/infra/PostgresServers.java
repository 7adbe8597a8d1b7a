package io.servelink.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Chooses the PostgreSQL server for this JVM, once: a Testcontainers container when a Docker engine answers;
 * otherwise the machine's own server ({@code SERVELINK_PG_HOST}/{@code _PORT}/{@code _USER}/{@code _PASSWORD},
 * default 127.0.0.1:5432 as postgres) when it accepts a connection; otherwise an embedded server.
 * {@code SERVELINK_PG=container|local|embedded} forces a choice.
 */
public final class PostgresServers {

    private static final Logger log = LoggerFactory.getLogger(PostgresServers.class);
    private static volatile PostgresServer shared;

    private PostgresServers() {
    }

    public static PostgresServer shared() {
        if (shared == null) {
            synchronized (PostgresServers.class) {
                if (shared == null) {
                    shared = choose();
                    log.info("PostgreSQL for this JVM: {} at {}:{}", shared.kind(), shared.host(), shared.port());
                }
            }
        }
        return shared;
    }

    private static PostgresServer choose() {
        String forced = System.getenv().getOrDefault("SERVELINK_PG", "");
        Local local = Local.fromEnvironment();
        return switch (forced) {
            case "container" -> container();
            case "local" -> local;
            case "embedded" -> embedded(null);
            default -> {
                if (Docker.available()) {
                    yield container();
                }
                yield local.accepts() ? local : embedded(null);
            }
        };
    }

    private static PostgresServer container() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        return new Fixed("container", container.getHost(), container.getMappedPort(5432), container.getUsername(),
                container.getPassword());
    }

    /** Starts an embedded server, in {@code dataDirectory} when given (kept across runs), else in a temporary one. */
    public static PostgresServer embedded(Path dataDirectory) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(0);
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres)));
            return new Fixed("embedded", "127.0.0.1", postgres.getPort(), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    record Fixed(String kind, String host, int port, String username, String password) implements PostgresServer {
    }

    record Local(String host, int port, String username, String password) implements PostgresServer {

        static Local fromEnvironment() {
            var env = System.getenv();
            return new Local(env.getOrDefault("SERVELINK_PG_HOST", "127.0.0.1"),
                    Integer.parseInt(env.getOrDefault("SERVELINK_PG_PORT", "5432")),
                    env.getOrDefault("SERVELINK_PG_USER", "postgres"),
                    env.getOrDefault("SERVELINK_PG_PASSWORD", ""));
        }

        @Override
        public String kind() {
            return "local server";
        }

        boolean accepts() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 500);
            } catch (IOException e) {
                return false;
            }
            try (var ignored = DriverManager.getConnection(jdbcUrl("postgres"), username, password)) {
                return true;
            } catch (SQLException e) {
                log.info("PostgreSQL at {}:{} refused {}: {}", host, port, username, e.getMessage());
                return false;
            }
        }
    }

    /** Whether a Docker engine answers; asked once per JVM ({@code SERVELINK_DOCKER=false} skips the probe). */
    static final class Docker {
        private static volatile Boolean available;

        static boolean available() {
            if (available == null) {
                available = !"false".equals(System.getenv("SERVELINK_DOCKER")) && probe();
            }
            return available;
        }

        private static boolean probe() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }
}
