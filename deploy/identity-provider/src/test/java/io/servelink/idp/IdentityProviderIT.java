package io.servelink.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtValidators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider as its clients use it, over HTTP: discovery and the JWKS, the operator's client credentials, a demo
 * user signing in to the dashboard with authorization code + PKCE (through the login form), and the command line's
 * device flow. Every token is verified against the published JWKS and read with the services' claim model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IdentityProviderIT {

    private static final String ISSUER = "http://localhost:9000";
    private static final String REDIRECT_URI = "http://localhost:8080/login/oauth2/code/servelink";
    private static final String DEMO_PASSWORD = "servelink-demo";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private HttpClient browser;
    private JwtDecoder verifier;

    @BeforeEach
    void setUp() {
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(url("/oauth2/jwks")).jwsAlgorithm(SignatureAlgorithm.RS256).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(ISSUER));
        verifier = decoder;
    }

    @Test
    void publishesItsDiscoveryDocumentAndOnlyThePublicHalfOfAnRs256Key() throws Exception {
        JsonNode discovery = json(get("/.well-known/openid-configuration"));
        assertThat(discovery.path("issuer").asString()).isEqualTo(ISSUER);
        assertThat(discovery.path("jwks_uri").asString()).isEqualTo(ISSUER + "/oauth2/jwks");
        assertThat(strings(discovery.path("grant_types_supported"))).contains("authorization_code", "client_credentials",
                "refresh_token", "urn:ietf:params:oauth:grant-type:device_code");
        assertThat(strings(discovery.path("id_token_signing_alg_values_supported"))).containsExactly("RS256");

        JsonNode keys = json(get("/oauth2/jwks")).path("keys");
        assertThat(keys).hasSize(1);
        JsonNode key = keys.get(0);
        assertThat(key.path("kty").asString()).isEqualTo("RSA");
        assertThat(key.path("alg").asString()).isEqualTo("RS256");
        assertThat(key.path("use").asString()).isEqualTo("sig");
        assertThat(key.has("d")).as("the private exponent is never published").isFalse();
    }

    @Test
    void operatorClientGetsAnOperatorTokenWithoutTeamsThroughClientCredentials() throws Exception {
        HttpResponse<String> answer = post("/oauth2/token", Map.of("grant_type", "client_credentials"),
                basic("servelink-operator", "servelink-operator-local-secret"));
        assertThat(answer.statusCode()).isEqualTo(200);

        ServelinkClaims claims = verifiedClaims(json(answer).path("access_token").asString());
        assertThat(claims.subject()).isEqualTo("servelink-operator");
        assertThat(claims.roles()).containsExactly(PlatformRole.OPERATOR);
        assertThat(claims.teams()).isEmpty();
        assertThat(claims.authTime()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
    }

    @Test
    void resourcesServiceGetsAServiceTokenWithItsScopesAndNoTeamOrRole() throws Exception {
        HttpResponse<String> answer = post("/oauth2/token", Map.of("grant_type", "client_credentials",
                "scope", "payments:renew resources:quote"), basic("resources-service", "resources-service-local-secret"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        String token = json(answer).path("access_token").asString();
        ServelinkClaims claims = verifiedClaims(token);
        assertThat(claims.subject()).isEqualTo("service:resources-service");
        assertThat(claims.teams()).isEmpty();
        assertThat(claims.roles()).isEmpty();
        assertThat(verifier().decode(token).getClaimAsStringList("scope")).containsExactlyInAnyOrder("payments:renew", "resources:quote");
    }

    @Test
    void refusesTheOperatorClientWithAWrongSecret() throws Exception {
        HttpResponse<String> answer = post("/oauth2/token", Map.of("grant_type", "client_credentials"),
                basic("servelink-operator", "not-the-secret"));
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).doesNotContain("access_token");
    }

    @Test
    void demoOwnerSignsInToTheDashboardWithAuthorizationCodeAndPkce() throws Exception {
        String verifier = randomUrlSafe(32);
        String state = randomUrlSafe(16);
        String authorize = "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", "servelink-dashboard",
                "redirect_uri", REDIRECT_URI, "scope", "openid profile email", "state", state, "nonce", "n-0S6",
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));

        HttpResponse<String> toLogin = get(authorize, "Accept", "text/html");
        assertThat(toLogin.statusCode()).isEqualTo(302);
        assertThat(location(toLogin)).endsWith("/login");

        HttpResponse<String> signedIn = signIn("demo-owner", DEMO_PASSWORD);
        assertThat(location(signedIn)).contains("/oauth2/authorize");

        HttpResponse<String> toClient = get(URI.create(location(signedIn)).getRawPath() + "?" + URI.create(location(signedIn)).getRawQuery(),
                "Accept", "text/html");
        assertThat(toClient.statusCode()).isEqualTo(302);
        URI callback = URI.create(location(toClient));
        assertThat(callback.toString()).startsWith(REDIRECT_URI + "?");
        Map<String, String> parameters = query(callback);
        assertThat(parameters).containsEntry("state", state);

        Map<String, String> redeem = new LinkedHashMap<>();
        redeem.put("grant_type", "authorization_code");
        redeem.put("code", parameters.get("code"));
        redeem.put("redirect_uri", REDIRECT_URI);
        redeem.put("client_id", "servelink-dashboard");
        redeem.put("code_verifier", verifier);
        HttpResponse<String> tokens = post("/oauth2/token", redeem);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);

        ServelinkClaims access = verifiedClaims(json(tokens).path("access_token").asString());
        assertThat(access.subject()).isEqualTo("demo-owner");
        assertThat(access.email()).isEqualTo("demo-owner@servelink.local");
        assertThat(access.teams()).isEqualTo(Map.of("demo", TeamRole.OWNER));
        assertThat(access.roles()).isEmpty();
        assertThat(access.canManageBillingOf("demo")).isTrue();
        assertThat(access.authTime()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));

        Jwt idToken = verifier().decode(json(tokens).path("id_token").asString());
        assertThat(idToken.getClaimAsString("nonce")).isEqualTo("n-0S6");
        assertThat(ServelinkClaims.fromClaims(idToken.getClaims())).isEqualTo(access);
    }

    @Test
    void refusesACodeRedeemedWithoutItsPkceVerifier() throws Exception {
        String verifier = randomUrlSafe(32);
        get("/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", "servelink-dashboard",
                "redirect_uri", REDIRECT_URI, "scope", "openid", "state", "s", "code_challenge", challenge(verifier),
                "code_challenge_method", "S256")), "Accept", "text/html");
        HttpResponse<String> signedIn = signIn("demo-member", DEMO_PASSWORD);
        URI next = URI.create(location(signedIn));
        String code = query(URI.create(location(get(next.getRawPath() + "?" + next.getRawQuery(), "Accept", "text/html")))).get("code");

        HttpResponse<String> tokens = post("/oauth2/token", Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT_URI, "client_id", "servelink-dashboard", "code_verifier", randomUrlSafe(32)));
        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(tokens.body()).contains("invalid_grant").doesNotContain("access_token");
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        HttpResponse<String> refused = signIn("demo-owner", "not-the-password");
        assertThat(location(refused)).endsWith("/login?error");
    }

    @Test
    void supportAgentGetsATokenThroughTheCommandLinesDeviceFlow() throws Exception {
        JsonNode device = json(post("/oauth2/device_authorization", Map.of("client_id", "servelink-cli", "scope", "profile email")));
        String userCode = device.path("user_code").asString();
        assertThat(device.path("verification_uri").asString()).endsWith("/oauth2/device_verification");

        Map<String, String> poll = Map.of("client_id", "servelink-cli", "grant_type",
                "urn:ietf:params:oauth:grant-type:device_code", "device_code", device.path("device_code").asString());
        assertThat(post("/oauth2/token", poll).body()).contains("authorization_pending");

        signIn("support-agent", DEMO_PASSWORD);
        HttpResponse<String> consent = get("/oauth2/device_verification?user_code=" + userCode);
        Matcher state = Pattern.compile("name=\"state\" value=\"([^\"]+)\"").matcher(consent.body());
        assertThat(state.find()).as("the consent page").isTrue();
        HttpResponse<String> approved = post("/oauth2/device_verification", Map.of("client_id", "servelink-cli",
                "state", state.group(1), "user_code", userCode, "scope", "profile"));
        assertThat(location(approved)).endsWith("?success");

        HttpResponse<String> tokens = post("/oauth2/token", poll);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        ServelinkClaims claims = verifiedClaims(json(tokens).path("access_token").asString());
        assertThat(claims.subject()).isEqualTo("support-agent");
        assertThat(claims.roles()).containsExactly(PlatformRole.SUPPORT_AGENT);
        assertThat(claims.teams()).isEmpty();
    }

    @Test
    void refusesATokenSignedWithAnotherKey() throws Exception {
        String genuine = json(post("/oauth2/token", Map.of("grant_type", "client_credentials"),
                basic("servelink-operator", "servelink-operator-local-secret"))).path("access_token").asString();
        String[] parts = genuine.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"forger\",\"iss\":\"http://localhost:9000\",\"roles\":[\"operator\"],\"exp\":9999999999}"
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> verifier().decode(forged)).isInstanceOf(JwtException.class);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private JwtDecoder verifier() {
        return verifier;
    }

    private ServelinkClaims verifiedClaims(String token) {
        Jwt jwt = verifier().decode(token);
        assertThat(jwt.getHeaders()).containsEntry("alg", "RS256");
        assertThat(jwt.getClaims().keySet()).contains(ServelinkClaims.SUBJECT, ServelinkClaims.TEAMS, ServelinkClaims.ROLES,
                ServelinkClaims.AUTH_TIME);
        return ServelinkClaims.fromClaims(jwt.getClaims());
    }

    private HttpResponse<String> signIn(String username, String password) throws Exception {
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(get("/login").body());
        assertThat(csrf.find()).as("the login form's CSRF token").isTrue();
        HttpResponse<String> answer = post("/login", Map.of("username", username, "password", password, "_csrf", csrf.group(1)));
        assertThat(answer.statusCode()).isEqualTo(302);
        return answer;
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] basic(String user, String secret) {
        return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8))};
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + response.statusCode()));
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream().map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            values.put(java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return values;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String challenge(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static org.assertj.core.data.TemporalUnitOffset within(Duration duration) {
        return new org.assertj.core.data.TemporalUnitWithinOffset(duration.toSeconds(), java.time.temporal.ChronoUnit.SECONDS);
    }

}
