package io.servelink.infra.test.security;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;

/**
 * Proof that secrets stay secret while a service refuses callers: bad bearer tokens (expired, signed with another
 * key, tampered, {@code alg: none}, garbage, malformed) and bad requests carrying a valid token are sent with the
 * security, web and Servelink loggers at DEBUG (what an operator turns on to diagnose refusals; INFO logs a subset),
 * and then neither the whole captured log nor any answer (bodies and headers) may contain the JWT secret, a token,
 * a token's signature or a bearer header's value. Use with {@code @ExtendWith(OutputCaptureExtension.class)}.
 */
public final class SecretsProbe {

    /** Loggers raised to DEBUG while requests are sent. */
    private static final List<String> DEBUG_LOGGERS = List.of("org.springframework.security", "org.springframework.web",
            "org.springframework.http", "org.springframework.cloud.gateway", "reactor.netty.http", "io.servelink");

    private final int port;
    private final String team;
    /** Values that must appear nowhere, with what they are (for the failure message). */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final StringBuilder answers = new StringBuilder();
    private final List<String> failures = new ArrayList<>();
    private boolean sentBadTokens;

    private SecretsProbe(int port, String team) {
        this.port = port;
        this.team = team;
        secret("the JWT secret", TestTokens.SECRET);
    }

    /** A probe of the service on {@code port}; hostile tokens claim {@code team}. */
    public static SecretsProbe of(int port, String team) {
        return new SecretsProbe(port, team);
    }

    /** Another value that must never show (an API key, a webhook secret). */
    public SecretsProbe secret(String what, String value) {
        secrets.put(value, what);
        return this;
    }

    /**
     * Sends every kind of bad token to an endpoint that needs a valid one: each must be a 401, and no token or signature
     * may show afterwards.
     */
    public SecretsProbe badTokens(String method, String path, String body) {
        String owner = TestTokens.owner(team);
        String operator = TestTokens.platform(PlatformRole.OPERATOR);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", TestTokens.expired(team));
        tokens.put("forged (another key)", TestTokens.forged(team));
        tokens.put("tampered signature", owner.substring(0, owner.length() - 4) + flip(owner.substring(owner.length() - 4)));
        tokens.put("tampered claims (an operator's payload under an owner's signature)",
                part(owner, 0) + "." + part(operator, 1) + "." + part(owner, 2));
        tokens.put("alg none", base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + part(operator, 1) + ".");
        tokens.put("garbage", "garbage-" + UUID.randomUUID());
        tokens.put("three garbage parts", "eyJ" + UUID.randomUUID() + ".eyJ" + UUID.randomUUID() + "." + UUID.randomUUID());
        sentBadTokens = true;
        tokens.forEach((what, token) -> {
            remember(what, token);
            expect401(what, method, path, "Bearer " + token, body);
        });
        String malformed = "not a token " + UUID.randomUUID() + " !";
        secret("a malformed bearer value", malformed);
        expect401("malformed bearer value", method, path, "Bearer " + malformed, body);
        // another scheme is not a bearer token: ignored (a public path answers), never echoed
        send(method, path, "Basic " + base64("admin:" + malformed), body);
        return this;
    }

    /** A bad request (refused with a 4xx) carrying a valid token: the token must not show. */
    public SecretsProbe badRequest(String method, String path, String token, String body) {
        remember("valid", token);
        HttpResponse<String> response = send(method, path, "Bearer " + token, body);
        if (response.statusCode() < 400 || response.statusCode() >= 500) {
            failures.add(method + " " + path + " (bad request): expected a 4xx, got " + response.statusCode());
        }
        return this;
    }

    /**
     * Any other request (a webhook delivery, a call a peer fails), sent the same way: its status must be
     * {@code expectedStatus}, and its answer is searched too.
     */
    public SecretsProbe request(String method, String path, Map<String, String> headers, String body, int expectedStatus) {
        HttpResponse<String> response = send(method, path, headers, null, body);
        if (response.statusCode() != expectedStatus) {
            failures.add(method + " " + path + ": expected " + expectedStatus + ", got " + response.statusCode());
        }
        return this;
    }

    /** Fails if a secret shows in the log captured so far or in any answer, or if a bad token was not refused. */
    public void assertNothingLeaked(CapturedOutput output) {
        String log = output.getAll();
        String allAnswers = answers.toString();
        secrets.forEach((value, what) -> {
            if (log.contains(value)) {
                failures.add("the log contains " + what + ": " + around(log, value));
            }
            if (allAnswers.contains(value)) {
                failures.add("an answer contains " + what + ": " + around(allAnswers, value));
            }
        });
        if (sentBadTokens && !log.contains("Authentication failed")) {
            failures.add("the log shows no refusal (Spring Security's DEBUG 'Authentication failed'): nothing was captured");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("Secrets leaked or bad tokens accepted:\n" + String.join("\n", failures));
        }
    }

    private void expect401(String what, String method, String path, String authorization, String body) {
        HttpResponse<String> response = send(method, path, authorization, body);
        if (response.statusCode() != 401) {
            failures.add(method + " " + path + " with a " + what + " token: expected 401, got " + response.statusCode());
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) {
        return send(method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"), authorization, body);
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, String authorization, String body) {
        Map<String, LogLevel> before = raiseLogLevels();
        try {
            HttpResponse<String> response = EndpointMatrix.Http.send(port, method, path, headers, authorization, body);
            answers.append(response.statusCode()).append(' ').append(response.headers().map()).append('\n')
                    .append(response.body()).append('\n');
            return response;
        } finally {
            restore(before);
        }
    }

    /** A token and its signature are secrets (the signature alone would let nobody forge, but it is the token's proof). */
    private void remember(String what, String token) {
        secret(what + " token", token);
        String[] parts = token.split("\\.");
        if (parts.length == 3 && parts[2].length() >= 16) {
            secret("the signature of a " + what + " token", parts[2]);
        }
    }

    private static Map<String, LogLevel> raiseLogLevels() {
        LoggingSystem logging = LoggingSystem.get(SecretsProbe.class.getClassLoader());
        Map<String, LogLevel> before = new LinkedHashMap<>();
        for (String logger : DEBUG_LOGGERS) {
            LoggerConfiguration configuration = logging.getLoggerConfiguration(logger);
            before.put(logger, configuration == null ? null : configuration.getConfiguredLevel());
            logging.setLogLevel(logger, LogLevel.DEBUG);
        }
        return before;
    }

    private static void restore(Map<String, LogLevel> levels) {
        LoggingSystem logging = LoggingSystem.get(SecretsProbe.class.getClassLoader());
        levels.forEach(logging::setLogLevel);
    }

    private static String part(String jwt, int index) {
        return jwt.split("\\.", -1)[index];
    }

    private static String flip(String text) {
        StringBuilder flipped = new StringBuilder();
        for (char c : text.toCharArray()) {
            flipped.append(c == 'A' ? 'B' : 'A');
        }
        return flipped.toString();
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String around(String text, String value) {
        int at = text.indexOf(value);
        return "..." + text.substring(Math.max(0, at - 80), Math.min(text.length(), at + Math.min(value.length(), 40))).replace('\n', ' ') + "...";
    }
}
