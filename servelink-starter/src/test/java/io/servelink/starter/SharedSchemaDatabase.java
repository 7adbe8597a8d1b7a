package io.servelink.starter;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.servelink.infra.test.TestInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A fresh database of the harness with the shared changelog ({@code db/changelog/servelink-shared.yaml}) applied, and
 * R2DBC access to it as a service has: what the direct tests of the outbox relay, the retention and the job lock need.
 */
public final class SharedSchemaDatabase {

    public static final String CHANGELOG = "db/changelog/servelink-shared.yaml";

    private final TestInfrastructure infrastructure;
    private final ConnectionFactory connections;

    private SharedSchemaDatabase(TestInfrastructure infrastructure) {
        this.infrastructure = infrastructure;
        this.connections = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(infrastructure.postgres().host())
                .port(infrastructure.postgres().port())
                .database(infrastructure.database())
                .username(infrastructure.postgres().username())
                .password(infrastructure.postgres().password())
                .build());
    }

    /** A new database named after the test class, migrated from empty by the shared changelog. */
    public static SharedSchemaDatabase forTestClass(Class<?> testClass) {
        SharedSchemaDatabase database = new SharedSchemaDatabase(TestInfrastructure.forTestClass(testClass));
        database.migrate();
        return database;
    }

    private void migrate() {
        System.setProperty("liquibase.analytics.enabled", "false");
        try (Connection jdbc = infrastructure.openConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(jdbc));
            Scope.child(Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(), () ->
                    new CommandScope(UpdateCommandStep.COMMAND_NAME)
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                            .execute());
        } catch (Exception e) {
            throw new IllegalStateException("The shared changelog does not apply to an empty database", e);
        }
    }

    public TestInfrastructure infrastructure() {
        return infrastructure;
    }

    public DatabaseClient client() {
        return DatabaseClient.create(connections);
    }

    public TransactionalOperator transactions() {
        return TransactionalOperator.create(new R2dbcTransactionManager(connections));
    }

    public Connection openConnection() throws SQLException {
        return infrastructure.openConnection();
    }

    public void execute(String sql, Object... args) {
        try (Connection connection = openConnection(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public List<Map<String, Object>> query(String sql, Object... args) {
        try {
            return infrastructure.query(sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long count(String sql, Object... args) {
        try {
            return infrastructure.count(sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
