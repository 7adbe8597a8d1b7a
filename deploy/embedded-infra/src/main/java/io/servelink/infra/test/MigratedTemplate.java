package io.servelink.infra.test;

import io.servelink.infra.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * A database with the service's changelog ({@value #CHANGELOG} on the class path) applied, made once per test JVM
 * and PostgreSQL server, from which each test class's database is copied ({@code CREATE DATABASE ... TEMPLATE}):
 * the service's own Liquibase then finds every changeset applied and only checks them, instead of running them all
 * again for every context. Dropped when the JVM exits.
 */
final class MigratedTemplate {

    static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";

    private static final Map<PostgresServer, String> TEMPLATES = new ConcurrentHashMap<>();

    private MigratedTemplate() {
    }

    /** Whether a test on this class path has a changelog to apply, and Liquibase to apply it. */
    static boolean applies() {
        ClassLoader loader = MigratedTemplate.class.getClassLoader();
        return loader.getResource(CHANGELOG) != null && isPresent("liquibase.command.CommandScope", loader);
    }

    /** The template's name on {@code postgres}, made and migrated on first use. */
    static String on(PostgresServer postgres) {
        return TEMPLATES.computeIfAbsent(postgres, MigratedTemplate::create);
    }

    private static String create(PostgresServer postgres) {
        String template = "tmpl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres.createDatabase(template);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.dropDatabase(template);
            } catch (RuntimeException e) {
                // the server may already be gone at JVM exit; nothing is left to clean
            }
        }));
        // closed before any copy: PostgreSQL copies a template no session is connected to
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(template), postgres.username(), postgres.password())) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            Scope.child(Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(MigratedTemplate.class.getClassLoader()),
                    () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                            .execute());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot migrate template database " + template, e);
        } catch (Exception e) {
            throw new IllegalStateException("Liquibase could not apply " + CHANGELOG + " to template database " + template, e);
        }
        return template;
    }

    private static boolean isPresent(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
