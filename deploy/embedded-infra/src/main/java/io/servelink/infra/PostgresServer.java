package io.servelink.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/** A running PostgreSQL server on which databases can be created and dropped. */
public interface PostgresServer {

    Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** Where the server runs: a container, the machine's own server, or an embedded one. */
    String kind();

    String host();

    int port();

    String username();

    String password();

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    default String r2dbcUrl(String database) {
        return "r2dbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** Creates the database unless it exists. */
    default void createDatabase(String database) {
        requireSafeName(database);
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), username(), password());
             Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database + " on " + kind(), e);
        }
    }

    /** Creates the database as a copy of {@code template}, which no session may be connected to. */
    default void createDatabaseFrom(String database, String template) {
        requireSafeName(database);
        requireSafeName(template);
        execute("CREATE DATABASE " + database + " TEMPLATE " + template);
    }

    /** Drops the database, closing its connections first. */
    default void dropDatabase(String database) {
        requireSafeName(database);
        execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), username(), password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Statement failed on " + kind() + ": " + sql, e);
        }
    }

    private static void requireSafeName(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Not a safe database name: " + database);
        }
    }
}
