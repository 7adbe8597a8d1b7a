package io.servelink.infra.test.security;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A table-driven authorization test: every endpoint of a service (as {@code "METHOD /pattern"}) against every kind of
 * caller, with the expected outcome per cell. {@link #assertCoversExactly} fails when the running service has an
 * endpoint the table lacks (or the table one the service lacks), so a new endpoint cannot ship without its row.
 */
public final class EndpointMatrix {

    /** Every "METHOD pattern" a service's own controllers map (framework endpoints such as actuator are left out). */
    public static Set<String> endpoints(org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping mappings) {
        Set<String> found = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("io.servelink")) {
                info.getMethodsCondition().getMethods().forEach(method -> info.getPatternsCondition().getPatterns()
                        .forEach(pattern -> found.add(method.name() + " " + pattern.getPatternString())));
            }
        });
        return found;
    }


    /** The team every row's {@code {team_slug}} is replaced by; {@link Caller#OTHER_TEAM} belongs to another one. */
    public static final String TEAM = "matrix-team";
    public static final String OTHER = "matrix-other";

    public enum Caller {
        NONE(null),
        EXPIRED(TestTokens.expired(TEAM)),
        FORGED(TestTokens.forged(TEAM)),
        OTHER_TEAM(TestTokens.owner(OTHER)),
        MEMBER(TestTokens.forTeam(TEAM, TeamRole.MEMBER)),
        ADMIN(TestTokens.forTeam(TEAM, TeamRole.ADMIN)),
        OWNER(TestTokens.owner(TEAM)),
        SUPPORT_AGENT(TestTokens.platform(PlatformRole.SUPPORT_AGENT)),
        OPERATOR(TestTokens.platform(PlatformRole.OPERATOR));

        private final String token;

        Caller(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** The outcome of a cell: an exact status, or {@link #PASSES} = authorized (not 401/403, not 5xx). */
    public record Expect(int status) {
        public static final Expect PASSES = new Expect(0);
        public static final Expect UNAUTHENTICATED = new Expect(401);
        public static final Expect FORBIDDEN = new Expect(403);
        public static final Expect NOT_FOUND = new Expect(404);

        boolean matches(int actual) {
            return status == 0 ? actual != 401 && actual != 403 && actual < 500 : actual == status;
        }

        @Override
        public String toString() {
            return status == 0 ? "authorized (not 401/403/5xx)" : Integer.toString(status);
        }
    }

    /**
     * One endpoint: its method and pattern as the service maps it, the concrete path to call, a body for writes,
     * and the expected outcome for each caller.
     */
    public record Row(String method, String pattern, String path, String body, Map<Caller, Expect> expected) {

        public String endpoint() {
            return method + " " + pattern;
        }

        /** Another expectation for one caller. */
        public Row with(Caller caller, Expect expect) {
            Map<Caller, Expect> copy = new EnumMap<>(expected);
            copy.put(caller, expect);
            return new Row(method, pattern, path, body, copy);
        }

        public Row body(String json) {
            return new Row(method, pattern, path, json, expected);
        }

        /** Calls this concrete path instead of the pattern with the defaults filled in. */
        public Row path(String concrete) {
            return new Row(method, pattern, concrete, body, expected);
        }
    }

    private EndpointMatrix() {
    }

    /** No valid token: 401 whatever the endpoint. */
    private static Map<Caller, Expect> base() {
        Map<Caller, Expect> cells = new EnumMap<>(Caller.class);
        cells.put(Caller.NONE, Expect.UNAUTHENTICATED);
        cells.put(Caller.EXPIRED, Expect.UNAUTHENTICATED);
        cells.put(Caller.FORGED, Expect.UNAUTHENTICATED);
        for (Caller caller : List.of(Caller.OTHER_TEAM, Caller.MEMBER, Caller.ADMIN, Caller.OWNER, Caller.SUPPORT_AGENT, Caller.OPERATOR)) {
            cells.put(caller, Expect.FORBIDDEN);
        }
        return cells;
    }

    private static Row row(String endpoint, Map<Caller, Expect> cells, Caller... allowed) {
        for (Caller caller : allowed) {
            cells.put(caller, Expect.PASSES);
        }
        String[] parts = endpoint.split(" ", 2);
        return new Row(parts[0], parts[1], fill(parts[1]), parts[0].equals("GET") || parts[0].equals("DELETE") ? null : "{}", cells);
    }

    /** Any member of the team reads it. */
    public static Row teamRead(String endpoint) {
        return row(endpoint, base(), Caller.MEMBER, Caller.ADMIN, Caller.OWNER);
    }

    /** Owner or admin only (paying, buying, cancelling, settings). */
    public static Row billing(String endpoint) {
        return row(endpoint, base(), Caller.ADMIN, Caller.OWNER);
    }

    /** A platform role only. */
    public static Row platform(String endpoint, PlatformRole role) {
        return row(endpoint, base(), role == PlatformRole.SUPPORT_AGENT ? Caller.SUPPORT_AGENT : Caller.OPERATOR);
    }

    /** Any valid token. */
    public static Row anyUser(String endpoint) {
        return row(endpoint, base(), Caller.OTHER_TEAM, Caller.MEMBER, Caller.ADMIN, Caller.OWNER, Caller.SUPPORT_AGENT, Caller.OPERATOR);
    }

    /** No token needed (verified otherwise, e.g. an HMAC signature): every caller gets {@code status}. */
    public static Row open(String endpoint, int status) {
        Map<Caller, Expect> cells = new EnumMap<>(Caller.class);
        for (Caller caller : Caller.values()) {
            cells.put(caller, new Expect(status));
        }
        return row(endpoint, cells);
    }

    /** {@code {team_slug}} becomes {@link #TEAM}; any other variable a well-formed id nobody has. */
    static String fill(String pattern) {
        return pattern.replace("{team_slug}", TEAM).replaceAll("\\{[^}]*}", "00000000-0000-4000-8000-000000000000");
    }

    /** Fails when the service's endpoints and the table's rows differ. */
    public static void assertCoversExactly(Set<String> discovered, List<Row> rows) {
        Set<String> table = rows.stream().map(Row::endpoint).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(discovered);
        missing.removeAll(table);
        Set<String> stale = new TreeSet<>(table);
        stale.removeAll(discovered);
        if (!missing.isEmpty() || !stale.isEmpty()) {
            throw new AssertionError("Authorization table out of date. Endpoints without a row: " + missing
                    + "; rows without an endpoint: " + stale);
        }
    }

    /** Calls every cell; returns one line per cell that did not match (empty = all good). */
    public static List<String> run(int port, List<Row> rows) {
        return run(port, rows, row -> row);
    }

    /** As {@link #run(int, List)}, letting the test adapt a row just before its cells are called (e.g. fresh ids). */
    public static List<String> run(int port, List<Row> rows, Function<Row, Row> prepare) {
        List<String> failures = new ArrayList<>();
        for (Row template : rows) {
            Row row = prepare.apply(template);
            for (Caller caller : Caller.values()) {
                Expect expect = row.expected().get(caller);
                HttpResponse<String> response = Http.send(port, row.method(), row.path(), caller.token(), row.body());
                String problem = Http.leaks(response.body());
                if (!expect.matches(response.statusCode()) || problem != null) {
                    failures.add(row.endpoint() + " as " + caller + ": expected " + expect + ", got " + response.statusCode()
                            + (problem == null ? "" : " leaking " + problem) + " " + abbreviate(response.body()));
                }
            }
        }
        return failures;
    }

    static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /** Plain JDK HTTP, so paths and bodies go out exactly as written (no template encoding, no client checks). */
    public static final class Http {

        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private Http() {
        }

        public static HttpResponse<String> send(int port, String method, String path, String token, String body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            try {
                return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(method + " " + path + " failed: " + e, e);
            }
        }

        /** What in a response body looks like an internal detail, or null. */
        public static String leaks(String body) {
            if (body == null) {
                return null;
            }
            for (String marker : List.of("Exception", "\tat ", "at java.", "at org.springframework", "at io.servelink",
                    "org.postgresql", "io.r2dbc", "tools.jackson", "com.fasterxml", "SQLState", "Caused by")) {
                if (body.contains(marker)) {
                    return "'" + marker + "'";
                }
            }
            return null;
        }
    }
}
