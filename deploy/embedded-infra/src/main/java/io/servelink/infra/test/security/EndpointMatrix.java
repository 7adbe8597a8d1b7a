package io.servelink.infra.test.security;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.TestTokens;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSession;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.handler.AbstractUrlHandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import reactor.core.publisher.Mono;

/**
 * A table-driven authorization test: every endpoint of a service (as {@code "METHOD /pattern"}) against every kind of
 * caller, with the expected outcome per cell. {@link #assertCoversExactly} fails when the running service has an
 * endpoint the table lacks (or the table one the service lacks), so a new endpoint cannot ship without its row.
 */
public final class EndpointMatrix {

    /** Every "METHOD pattern" a service's own controllers map (framework endpoints such as actuator are left out). */
    public static Set<String> endpoints(RequestMappingHandlerMapping mappings) {
        Set<String> found = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("io.servelink")) {
                found.addAll(endpointsOf(info));
            }
        });
        return found;
    }

    /**
     * Every "METHOD pattern" any WebFlux handler mapping of the application answers: its controllers, actuator
     * endpoints, static resources ({@code "* /pattern"}: any method), router functions (the welcome page). A
     * gateway's proxied routes are not its own endpoints and are left out.
     */
    public static Set<String> allEndpoints(ApplicationContext context) {
        Set<String> found = new TreeSet<>();
        context.getBeansOfType(HandlerMapping.class).values().forEach(mapping -> {
            switch (mapping) {
                case RequestMappingInfoHandlerMapping methods ->
                        methods.getHandlerMethods().keySet().forEach(info -> found.addAll(endpointsOf(info)));
                case AbstractUrlHandlerMapping urls ->
                        urls.getHandlerMap().keySet().forEach(pattern -> found.add("* " + pattern.getPatternString()));
                case RouterFunctionMapping functions -> {
                    if (functions.getRouterFunction() != null) {
                        functions.getRouterFunction().accept(new RouteCollector(found));
                    }
                }
                default -> {
                    if (!mapping.getClass().getName().equals("org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping")) {
                        throw new IllegalStateException("Cannot list the endpoints of " + mapping.getClass().getName());
                    }
                }
            }
        });
        return found;
    }

    private static Set<String> endpointsOf(RequestMappingInfo info) {
        Set<String> found = new TreeSet<>();
        Set<String> methods = info.getMethodsCondition().getMethods().stream().map(Enum::name)
                .collect(Collectors.toCollection(TreeSet::new));
        if (methods.isEmpty()) {
            methods.add("*");
        }
        methods.forEach(method -> info.getPatternsCondition().getPatterns()
                .forEach(pattern -> found.add(method + " " + pattern.getPatternString())));
        return found;
    }

    /** "METHOD pattern" of each route of a router function ({@code *} when a route names no method). */
    private static final class RouteCollector implements RouterFunctions.Visitor {

        private final Set<String> found;

        RouteCollector(Set<String> found) {
            this.found = found;
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            Set<String> methods = new TreeSet<>();
            List<String> paths = new ArrayList<>();
            predicate.accept(new MethodsAndPaths(methods, paths));
            if (methods.isEmpty()) {
                methods.add("*");
            }
            methods.forEach(method -> (paths.isEmpty() ? List.of("/**") : paths).forEach(path -> found.add(method + " " + path)));
        }

        @Override
        public void startNested(RequestPredicate predicate) {
        }

        @Override
        public void endNested(RequestPredicate predicate) {
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
            found.add("* " + lookup);
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            found.add("* " + routerFunction);
        }
    }

    /** Collects the methods and path patterns a request predicate tests (headers, parameters aside). */
    private record MethodsAndPaths(Set<String> methods, List<String> paths) implements RequestPredicates.Visitor {

        @Override
        public void method(Set<HttpMethod> httpMethods) {
            httpMethods.forEach(method -> methods.add(method.name()));
        }

        @Override
        public void path(String pattern) {
            paths.add(pattern);
        }

        // @formatter:off
        @Override public void pathExtension(String extension) { }
        @Override public void header(String name, String value) { }
        @Override public void queryParam(String name, String value) { }
        @Override public void version(String version) { }
        @Override public void startAnd() { }
        @Override public void and() { }
        @Override public void endAnd() { }
        @Override public void startOr() { }
        @Override public void or() { }
        @Override public void endOr() { }
        @Override public void startNegate() { }
        @Override public void endNegate() { }
        @Override public void unknown(RequestPredicate predicate) { }
        // @formatter:on
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
     * the expected outcome for each caller, and whether answers are checked for internal details (see
     * {@link #namingInternalsByDesign()}).
     */
    public record Row(String method, String pattern, String path, String body, Map<Caller, Expect> expected, boolean checksBody) {

        public String endpoint() {
            return method + " " + pattern;
        }

        /** The method a call uses: GET for a mapping that takes any method ({@code *}, e.g. static resources). */
        public String httpMethod() {
            return method.equals("*") ? "GET" : method;
        }

        /** Another expectation for one caller. */
        public Row with(Caller caller, Expect expect) {
            Map<Caller, Expect> copy = new EnumMap<>(expected);
            copy.put(caller, expect);
            return new Row(method, pattern, path, body, copy, checksBody);
        }

        public Row body(String json) {
            return new Row(method, pattern, path, json, expected, checksBody);
        }

        /** Calls this concrete path instead of the pattern with the defaults filled in. */
        public Row path(String concrete) {
            return new Row(method, pattern, concrete, body, expected, checksBody);
        }

        /**
         * An answer that names internals on purpose, for another program (Prometheus text: exception classes as tag
         * values): its status is checked, its body is not searched for internal details.
         */
        public Row namingInternalsByDesign() {
            return new Row(method, pattern, path, body, expected, false);
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
        boolean bodiless = List.of("GET", "DELETE", "*").contains(parts[0]);
        return new Row(parts[0], parts[1], fill(parts[1]), bodiless ? null : "{}", cells, true);
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

    /**
     * Public reading (a knowledge base, a dashboard's files, health probes): without a token and with any valid one.
     * A bad token is still refused (401), as everywhere: a client that sends one learns it is bad.
     */
    public static Row publicRead(String endpoint) {
        Map<Caller, Expect> cells = new EnumMap<>(Caller.class);
        cells.put(Caller.EXPIRED, Expect.UNAUTHENTICATED);
        cells.put(Caller.FORGED, Expect.UNAUTHENTICATED);
        return row(endpoint, cells, Caller.NONE, Caller.OTHER_TEAM, Caller.MEMBER, Caller.ADMIN, Caller.OWNER, Caller.SUPPORT_AGENT,
                Caller.OPERATOR);
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
                HttpResponse<String> response = Http.send(port, row.httpMethod(), row.path(), caller.token(), row.body());
                String problem = row.checksBody() ? Http.leaks(response.body()) : null;
                if (!expect.matches(response.statusCode()) || problem != null) {
                    failures.add(row.endpoint() + " as " + caller + ": expected " + expect + ", got " + response.statusCode()
                            + (problem == null ? "" : " leaking " + problem) + " " + abbreviate(response.body()));
                }
            }
        }
        return failures;
    }

    /**
     * Bodies a caller who may not act could send: none, not JSON, truncated, the wrong shape, missing every field,
     * wrongly typed or invalid fields. Whatever the body, that caller's answer is the refusal.
     */
    public static final List<String> MALFORMED_BODIES = List.of("", "not json", "{\"purpose\": ", "[]", "{}",
            "{\"purpose\": 42, \"quantity\": \"many\", \"status\": [], \"priority\": {}, \"body\": null, \"team_slug\": \"Not A Slug\"}",
            "{\"purpose\": \"free_money\", \"reference\": \"a b\", \"payment_method\": \"cash\", \"resource_type\": \"\", "
                    + "\"quantity\": 1000, \"subject\": \"\", \"title\": \"\", \"thresholds\": [0, 101], \"amount_minor\": 1}");

    /**
     * Authorization before validation: every cell of a row that takes a body whose caller is refused (401, 403, 404) is
     * called again with each of {@link #MALFORMED_BODIES}, and must get the same refusal, never a 400 describing the
     * body. Returns one line per mismatch (empty = all good).
     */
    public static List<String> runRefusedWithMalformedBodies(int port, List<Row> rows, Function<Row, Row> prepare) {
        List<String> failures = new ArrayList<>();
        for (Row template : rows) {
            if (template.body() == null) {
                continue;
            }
            Row row = prepare.apply(template);
            for (Caller caller : Caller.values()) {
                Expect expect = row.expected().get(caller);
                if (expect.status() != 401 && expect.status() != 403 && expect.status() != 404) {
                    continue;
                }
                for (String body : MALFORMED_BODIES) {
                    HttpResponse<String> response = Http.send(port, row.httpMethod(), row.path(), caller.token(), body);
                    if (!expect.matches(response.statusCode())) {
                        failures.add(row.endpoint() + " as " + caller + " with body '" + abbreviate(body) + "': expected " + expect
                                + ", got " + response.statusCode() + " " + abbreviate(response.body()));
                    }
                }
            }
        }
        return failures;
    }

    static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /**
     * Plain JDK HTTP, so paths and bodies go out exactly as written (no template encoding, no client checks). An event
     * stream's status and headers are returned without waiting for its body (it never ends): the stream is closed.
     */
    public static final class Http {

        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        /** The longest path (query included) sent on the shared client's kept-alive connections: a quarter of Netty's limit. */
        static final int SHARED_CONNECTION_MAX_PATH = 1024;

        private Http() {
        }

        public static HttpResponse<String> send(int port, String method, String path, String token, String body) {
            return send(port, method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                    token == null ? null : "Bearer " + token, body);
        }

        /**
         * Any headers, and {@code authorization} as the Authorization header's whole value (null: none). A request whose
         * path (with its query) is longer than {@link #SHARED_CONNECTION_MAX_PATH} goes on a connection of its own, closed
         * after the answer: the server may refuse it while decoding it (Netty's request line limit is 4096 bytes), and
         * Reactor Netty answers a request it cannot decode with the operations of the connection's previous exchange when
         * that exchange's clean-up is still queued on the event loop (its response already sent): nothing is written and
         * the connection stays open. A client that reuses a kept-alive connection right after an answer, as requests sent
         * back to back do, then waits for an answer that never comes. A new connection has no previous exchange.
         */
        public static HttpResponse<String> send(int port, String method, String path, Map<String, String> headers,
                                                String authorization, String body) {
            if (path.length() <= SHARED_CONNECTION_MAX_PATH) {
                return send(CLIENT, port, method, path, headers, authorization, body);
            }
            try (HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build()) {
                return send(own, port, method, path, headers, authorization, body);
            }
        }

        private static HttpResponse<String> send(HttpClient client, int port, String method, String path,
                                                 Map<String, String> headers, String authorization, String body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                    return new Answer(response, stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
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

        /** A response whose body has been read (or, for an event stream, left unread). */
        private record Answer(HttpResponse<InputStream> response, String body) implements HttpResponse<String> {

            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public HttpRequest request() {
                return response.request();
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return response.headers();
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return response.sslSession();
            }

            @Override
            public URI uri() {
                return response.uri();
            }

            @Override
            public HttpClient.Version version() {
                return response.version();
            }
        }
    }
}
