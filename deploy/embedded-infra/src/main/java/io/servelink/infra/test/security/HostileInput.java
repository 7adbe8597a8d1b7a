package io.servelink.infra.test.security;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Seeded random hostile requests against every endpoint of a table (so failures replay with the same seed):
 * malformed path variables, query parameters and JSON bodies, sent by callers that pass authorization (so the input
 * reaches validation). Checks: never a 5xx, never an internal detail in the body, and, for every refused request
 * (4xx), the database exactly as before (a checksum of every table).
 */
public final class HostileInput {

    private static final List<String> NASTY = List.of("", " ", "'", "' OR '1'='1", "1; DROP TABLE payments--", "../../etc/passwd",
            "%2e%2e%2f", "%00", "\u0000", "null", "undefined", "-1", "0", "9223372036854775808", "-9223372036854775809",
            "1e309", "NaN", "Infinity", "true", "[]", "{}", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "%s%s%n",
            "\uD83D\uDE00", "\u202E", "ä", "\uFFFF", "2026-13-45", "9999-99", "P-1D", "x".repeat(5000),
            "00000000-0000-0000-0000-000000000000", "not-a-uuid", "UPPER_CASE", "a/b", "a b", "a\r\nX-Injected: 1");

    private static final List<String> FIELDS = List.of("team_slug", "amount", "amount_minor", "currency", "purpose", "plan",
            "addon", "addon_code", "resource", "quantity", "reference", "subject", "body", "message", "priority", "status",
            "metric", "threshold", "thresholds", "percent", "title", "content", "tags", "email", "project_id", "hosts",
            "upstream_uri", "note", "internal", "agent", "months", "renew", "idempotency_key", "return_url");

    private final Random random;

    public HostileInput(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Runs {@code perEndpoint} hostile requests on every row; returns the failures (empty = all good). A checksum that
     * holds resources ({@link #databaseChecksum}) is closed at the end.
     */
    public List<String> run(int port, List<EndpointMatrix.Row> rows, List<EndpointMatrix.Caller> callers, int perEndpoint,
                            Supplier<String> databaseChecksum) {
        try {
            return requests(port, rows, callers, perEndpoint, databaseChecksum);
        } finally {
            if (databaseChecksum instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // only the checksum's connection: nothing of the test's outcome depends on it
                }
            }
        }
    }

    private List<String> requests(int port, List<EndpointMatrix.Row> rows, List<EndpointMatrix.Caller> callers, int perEndpoint,
                                  Supplier<String> databaseChecksum) {
        List<String> failures = new ArrayList<>();
        for (EndpointMatrix.Row row : rows) {
            for (int i = 0; i < perEndpoint; i++) {
                EndpointMatrix.Caller caller = callers.get(random.nextInt(callers.size()));
                String path = path(row.pattern()) + query();
                String body = row.httpMethod().equals("GET") || row.httpMethod().equals("DELETE") ? null : body();
                String before = databaseChecksum.get();
                HttpResponse<String> response = EndpointMatrix.Http.send(port, row.httpMethod(), path, caller.token(), body);
                int status = response.statusCode();
                String leak = EndpointMatrix.Http.leaks(response.body());
                String what = row.httpMethod() + " " + path + (body == null ? "" : " body " + EndpointMatrix.abbreviate(body));
                if (status >= 500) {
                    failures.add(what + ": " + status + " " + EndpointMatrix.abbreviate(response.body()));
                } else if (leak != null) {
                    failures.add(what + ": leaks " + leak + " " + EndpointMatrix.abbreviate(response.body()));
                } else if (status >= 400 && !before.equals(databaseChecksum.get())) {
                    failures.add(what + ": refused with " + status + " but the stored data changed");
                }
            }
        }
        return failures;
    }

    private String path(String pattern) {
        StringBuilder path = new StringBuilder();
        int at = 0;
        while (true) {
            int open = pattern.indexOf('{', at);
            if (open < 0) {
                return path.append(pattern.substring(at)).toString();
            }
            int close = pattern.indexOf('}', open);
            path.append(pattern, at, open);
            String name = pattern.substring(open + 1, close);
            path.append(name.equals("team_slug") && random.nextInt(3) == 0 ? EndpointMatrix.TEAM : encode(nasty()));
            at = close + 1;
        }
    }

    private String query() {
        if (random.nextBoolean()) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String name = random.nextInt(4) == 0 ? encode(nasty()) : List.of("month", "from", "to", "q", "limit", "page", "size",
                    "status", "period", "metric", "days", "project_id", "format", "team", "sort", "cursor").get(random.nextInt(16));
            query.append(i == 0 ? "" : "&").append(name).append('=').append(encode(nasty()));
        }
        return query.toString();
    }

    private String body() {
        return switch (random.nextInt(8)) {
            case 0 -> nasty();                                            // not JSON at all (or a bare scalar)
            case 1 -> "{\"" + FIELDS.get(random.nextInt(FIELDS.size())) + "\": "; // truncated
            case 2 -> "[" .repeat(2000) + "]".repeat(2000);               // deep nesting
            default -> object(0);
        };
    }

    private String object(int depth) {
        Map<String, String> fields = new TreeMap<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            fields.put(random.nextInt(5) == 0 ? nasty() : FIELDS.get(random.nextInt(FIELDS.size())), value(depth));
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() == 1 ? "" : ",").append(string(k)).append(':').append(v));
        return json.append('}').toString();
    }

    private String value(int depth) {
        return switch (random.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> "null";
            case 1 -> Long.toString(random.nextLong());
            case 2 -> random.nextBoolean() ? "1e400" : "-0.0000001";
            case 3 -> Boolean.toString(random.nextBoolean());
            case 4, 5 -> string(nasty());
            case 6 -> "[" + value(depth + 1) + "," + value(depth + 1) + "]";
            default -> object(depth + 1);
        };
    }

    private String nasty() {
        return random.nextInt(4) == 0 ? randomText() : NASTY.get(random.nextInt(NASTY.size()));
    }

    private String randomText() {
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            text.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0xD7FF)));
        }
        return text.toString();
    }

    private static String string(String raw) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : raw.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    private static String encode(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A checksum of every table of the schema {@code public} (Liquibase's own tables and {@code excluded} aside):
     * md5 of all rows, in order. It holds one connection from {@code connections} and asks for all tables in one
     * query (a checksum is taken before and after every hostile request: a connection per checksum would cost more
     * than the requests); {@link #run} closes it at the end.
     */
    public static Supplier<String> databaseChecksum(Supplier<Connection> connections, List<String> excluded) {
        return new DatabaseChecksum(connections, excluded);
    }

    private static final class DatabaseChecksum implements Supplier<String>, AutoCloseable {

        private final Supplier<Connection> connections;
        private final List<String> excluded;
        private Connection connection;
        private String query;

        DatabaseChecksum(Supplier<Connection> connections, List<String> excluded) {
            this.connections = connections;
            this.excluded = excluded;
        }

        @Override
        public String get() {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = connections.get();
                    query = null;
                }
                try (Statement statement = connection.createStatement()) {
                    if (query == null) {
                        query = query(statement);
                    }
                    StringBuilder sums = new StringBuilder();
                    try (ResultSet rs = statement.executeQuery(query)) {
                        while (rs.next()) {
                            sums.append(rs.getString(1)).append('=').append(rs.getLong(2)).append(':').append(rs.getString(3)).append(' ');
                        }
                    }
                    return sums.toString();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** One query answering (table, row count, md5 of its rows) for every table, in the tables' order. */
        private String query(Statement statement) throws SQLException {
            List<String> parts = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("select table_name from information_schema.tables "
                    + "where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name")) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    if (!table.startsWith("databasechangelog") && !excluded.contains(table)) {
                        parts.add("(select " + parts.size() + " as n, '" + table + "' as name, count(*) as row_count, "
                                + "md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as checksum from \"" + table + "\" t)");
                    }
                }
            }
            return parts.isEmpty() ? "select '', 0, '' where false"
                    : "select name, row_count, checksum from (" + String.join(" union all ", parts) + ") sums order by n";
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }
}
