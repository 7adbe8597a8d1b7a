package io.servelink.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.servelink.infra.process.LocalIdentityProvider;
import io.servelink.infra.process.ServiceProcess;
import io.servelink.infra.test.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The local profile as the local stack runs it: tokens come from the real identity provider (its jar, as a process)
 * and the gateway verifies them through the provider's JWKS URI, exactly as in production. Tokens signed with another
 * key, altered ones and HS256 ones are refused, and there is no token endpoint of the gateway's own.
 */
@GatewayIT
@ActiveProfiles("local")
class LocalProfileIT {

    private static final WireMockServer usageService = new WireMockServer(options().dynamicPort().gzipDisabled(true));
    private static final ServiceProcess identityProvider;
    private static final LocalIdentityProvider tokens;

    static {
        usageService.start();
        int port = freePort();
        try {
            identityProvider = LocalIdentityProvider.process(Path.of("..").toAbsolutePath().normalize(), port,
                    Files.createDirectories(Path.of("target/identity-provider")));
            identityProvider.start(Path.of(System.getProperty("java.home")));
            identityProvider.awaitReady(Duration.ofMinutes(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        tokens = new LocalIdentityProvider(URI.create("http://localhost:" + port));
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("servelink.gateway.services.usage", usageService::baseUrl);
        registry.add("servelink.gateway.services.support", () -> "http://127.0.0.1:" + freePort());
        List<String> verifier = LocalIdentityProvider.verifierArguments(identityProvider.port());
        verifier.forEach(argument -> {
            String[] pair = argument.substring(2).split("=", 2);
            registry.add(pair[0], () -> pair[1]);
        });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        usageService.stop();
        identityProvider.stop();
        identityProvider.awaitStopped(Duration.ofSeconds(20));
    }

    @Test
    void operatorTokenOfTheIdentityProviderOpensTheOperatorApi() throws Exception {
        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.operatorToken())
                .exchange().expectStatus().isOk();
    }

    @Test
    void demoMembersTokenReachesItsTeamsServiceButNotTheOperatorApi() throws Exception {
        usageService.stubFor(get("/api/usage/demo").willReturn(aResponse().withBody("usage of demo")));
        String member = tokens.userToken("demo-member", LocalIdentityProvider.DEMO_PASSWORD);

        api().get().uri("/api/usage/demo").header(HttpHeaders.AUTHORIZATION, "Bearer " + member)
                .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("usage of demo");
        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + member)
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void refusesATokenSignedWithAnotherKeyUnderTheProvidersKeyId() throws Exception {
        String genuine = tokens.operatorToken();
        String keyId = new String(Base64.getUrlDecoder().decode(genuine.split("\\.")[0]), StandardCharsets.UTF_8)
                .replaceAll(".*\"kid\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        RSAKey forgersKey = new RSAKeyGenerator(2048).keyID(keyId).generate();
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer(LocalIdentityProvider.ISSUER).subject("forger")
                .issuedAt(now).expiresAt(now.plusSeconds(600)).claim("teams", Map.of()).claim("roles", List.of("operator"))
                .claim("auth_time", now.getEpochSecond()).build();
        String forged = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(forgersKey)))
                .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId(keyId).build(), claims))
                .getTokenValue();

        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + forged)
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType("application/problem+json");
    }

    @Test
    void refusesAnAlteredToken() throws Exception {
        String[] parts = tokens.userToken("demo-member", LocalIdentityProvider.DEMO_PASSWORD).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"member\"", "\"owner\"");
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + altered)
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void refusesHs256TokensAndHasNoTokenEndpointOfItsOwn() {
        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer "
                        + TestTokens.platform(io.servelink.contracts.security.PlatformRole.OPERATOR))
                .exchange().expectStatus().isUnauthorized();
        api().get().uri("/dev/token?team=demo&role=owner").exchange().expectStatus().isNotFound();
    }

    @Test
    void answers503ProblemWithRetryAfterWhenAServiceIsNotReachable() throws Exception {
        String token = tokens.userToken("demo-member", LocalIdentityProvider.DEMO_PASSWORD);

        api().get().uri("/api/support/demo/tickets").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unavailable");
    }

    private WebTestClient api() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(10)).build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
