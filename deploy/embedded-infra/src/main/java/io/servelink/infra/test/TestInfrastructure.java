package io.servelink.infra.test;

import io.servelink.contracts.events.TopicNames;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.KafkaBrokers;
import io.servelink.infra.PostgresServer;
import io.servelink.infra.PostgresServers;
import io.servelink.infra.RestartablePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What one test class gets for itself: its own database on the shared PostgreSQL server and its own topic
 * namespace on the shared Kafka broker.
 */
public record TestInfrastructure(PostgresServer postgres, String database, KafkaBroker kafka, String topicNamespace) {

    /** Creates a fresh database and namespace named after the test class. */
    public static TestInfrastructure forTestClass(Class<?> testClass) {
        return forTestClass(testClass, PostgresServers.shared());
    }

    /**
     * Creates a fresh database on {@code postgres} and a namespace, named after the test class. Where the class path
     * holds a service's changelog, the database starts as a copy of one with it applied ({@link MigratedTemplate}).
     */
    public static TestInfrastructure forTestClass(Class<?> testClass, PostgresServer postgres) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String database = ("it_" + base).substring(0, Math.min(50, base.length() + 3)) + "_" + suffix;
        if (!(postgres instanceof RestartablePostgres) && MigratedTemplate.applies()) {
            postgres.createDatabaseFrom(database, MigratedTemplate.on(postgres));
        } else {
            postgres.createDatabase(database);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(postgres, database)));
        return new TestInfrastructure(postgres, database, KafkaBrokers.shared(), "it-" + base + "-" + suffix);
    }

    public TopicNames topics() {
        return new TopicNames(topicNamespace);
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    public Connection openConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), postgres.username(), postgres.password());
    }

    /** Rows of a query on this test's database, each as column label → value, in order. */
    public java.util.List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        try (Connection connection = openConnection(); java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
            try (java.sql.ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= result.getMetaData().getColumnCount(); c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** The single number a counting query answers. */
    public long count(String sql, Object... args) throws SQLException {
        return ((Number) query(sql, args).getFirst().values().iterator().next()).longValue();
    }

    /** Spring properties that point a service at this database and namespace. */
    public Map<String, Object> springProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.r2dbc.url", postgres.r2dbcUrl(database));
        properties.put("spring.r2dbc.username", postgres.username());
        properties.put("spring.r2dbc.password", postgres.password());
        properties.put("spring.liquibase.url", jdbcUrl());
        properties.put("spring.liquibase.user", postgres.username());
        properties.put("spring.liquibase.password", postgres.password());
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("servelink.kafka.topic-namespace", topicNamespace);
        properties.put("servelink.kafka.provision-topics", "true");
        properties.put("servelink.security.hmac-secret", TestTokens.SECRET);
        return properties;
    }

    private static void dropQuietly(PostgresServer postgres, String database) {
        try {
            postgres.dropDatabase(database);
        } catch (RuntimeException e) {
            // the server may already be gone at JVM exit (embedded or container); nothing is left to clean
        }
    }
}
