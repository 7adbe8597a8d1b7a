package io.servelink.infra.process;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The local stack's identity provider (deploy/identity-provider) run from its jar, and tokens from it the way its
 * clients get them: the operator's client credentials, and a user's device flow approved as the user (what
 * deploy/identity-provider/token.sh does with curl). For the local stack and the tests that run it.
 */
public final class LocalIdentityProvider {

    /** The issuer of the local stack's tokens, whatever port the provider listens on. */
    public static final String ISSUER = "http://localhost:9000";
    public static final int PORT = 9000;
    public static final String OPERATOR_CLIENT = "servelink-operator";
    public static final String OPERATOR_SECRET = "servelink-operator-local-secret";
    public static final String CLI_CLIENT = "servelink-cli";
    public static final String RESOURCES_SERVICE_CLIENT = "resources-service";
    public static final String RESOURCES_SERVICE_SECRET = "resources-service-local-secret";
    public static final String DEMO_PASSWORD = "servelink-demo";

    private static final Pattern STRING_FIELD = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern STATE = Pattern.compile("name=\"state\" value=\"([^\"]+)\"");

    private final URI baseUrl;

    public LocalIdentityProvider(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The provider's jar under the repository root, as a process on {@code port} with its issuer {@link #ISSUER}. */
    public static ServiceProcess process(Path root, int port, Path logDirectory) {
        return new ServiceProcess("identity-provider", port,
                root.resolve("deploy/identity-provider/target/identity-provider.jar"),
                List.of("--servelink.idp.issuer=" + ISSUER), logDirectory);
    }

    /** The arguments that make a service verify this provider's tokens, exactly as production verifies its provider's. */
    public static List<String> verifierArguments(int port) {
        return List.of("--servelink.security.jwk-set-uri=http://localhost:" + port + "/oauth2/jwks",
                "--servelink.security.issuer=" + ISSUER);
    }

    /** The arguments that make resources-service take its service token from this provider (client credentials). */
    public static List<String> resourcesServiceTokenArguments(int port) {
        return List.of("--servelink.resources.service-token.token-uri=http://localhost:" + port + "/oauth2/token",
                "--servelink.resources.service-token.client-id=" + RESOURCES_SERVICE_CLIENT,
                "--servelink.resources.service-token.client-secret=" + RESOURCES_SERVICE_SECRET);
    }

    /** An operator token: the operator client's client credentials grant. */
    public String operatorToken() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> answer = http.send(form("/oauth2/token", Map.of("grant_type", "client_credentials"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (OPERATOR_CLIENT + ":" + OPERATOR_SECRET).getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        return field(answer, "access_token");
    }

    /** A user's access token through the command line's device flow, approved by signing in as the user. */
    public String userToken(String username, String password) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> device = http.send(form("/oauth2/device_authorization",
                Map.of("client_id", CLI_CLIENT, "scope", "profile email")).build(), HttpResponse.BodyHandlers.ofString());
        String deviceCode = field(device, "device_code");
        String userCode = field(device, "user_code");

        String login = http.send(HttpRequest.newBuilder(baseUrl.resolve("/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> signedIn = http.send(form("/login", Map.of("username", username, "password", password,
                "_csrf", match(CSRF, login, "the login form's CSRF token"))).build(), HttpResponse.BodyHandlers.ofString());
        if (signedIn.headers().firstValue("Location").orElse("error").contains("error")) {
            throw new IllegalStateException("The identity provider refused the sign-in of " + username);
        }
        String consent = http.send(HttpRequest.newBuilder(baseUrl.resolve("/oauth2/device_verification?user_code="
                + encode(userCode))).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher state = STATE.matcher(consent);
        if (state.find()) {
            http.send(form("/oauth2/device_verification", Map.of("client_id", CLI_CLIENT, "state", state.group(1),
                    "user_code", userCode, "scope", "profile")).build(), HttpResponse.BodyHandlers.discarding());
        }
        HttpResponse<String> tokens = http.send(form("/oauth2/token", Map.of("client_id", CLI_CLIENT,
                "grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code", deviceCode)).build(),
                HttpResponse.BodyHandlers.ofString());
        return field(tokens, "access_token");
    }

    private HttpRequest.Builder form(String path, Map<String, String> values) {
        String body = new LinkedHashMap<>(values).entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue())).collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String field(HttpResponse<String> answer, String name) {
        return match(Pattern.compile(STRING_FIELD.pattern().formatted(name)), answer.body(),
                name + " (HTTP " + answer.statusCode() + ": " + answer.body() + ")");
    }

    private static String match(Pattern pattern, String text, String what) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("The identity provider's answer has no " + what);
        }
        return matcher.group(1);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
