package io.servelink.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The local profile's token endpoint mints tokens the gateway itself accepts. */
@GatewayIT
@ActiveProfiles("local")
class LocalProfileIT {

    private static final WireMockServer usageService = new WireMockServer(options().dynamicPort().gzipDisabled(true));

    static {
        usageService.start();
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("servelink.gateway.services.usage", usageService::baseUrl);
        registry.add("servelink.gateway.services.support", () -> "http://127.0.0.1:" + closedPort());
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void answers503ProblemWithRetryAfterWhenAServiceIsNotReachable() {
        String token = api().get().uri("/dev/token?team=demo&role=member").exchange().expectStatus().isOk()
                .expectBody(DevToken.class).returnResult().getResponseBody().token();

        api().get().uri("/api/support/demo/tickets").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unavailable");
    }

    @AfterAll
    static void stopUsageService() {
        usageService.stop();
    }

    @Test
    void devTokenCarriesTheRequestedClaimsAndPassesTheGateway() {
        usageService.stubFor(get("/api/usage/demo").willReturn(aResponse().withBody("usage of demo")));

        DevToken token = api().get().uri("/dev/token?team=demo&role=owner&sub=alice&email=alice@example.test")
                .exchange().expectStatus().isOk()
                .expectBody(DevToken.class).returnResult().getResponseBody();

        org.assertj.core.api.Assertions.assertThat(token.token_type()).isEqualTo("Bearer");
        org.assertj.core.api.Assertions.assertThat(token.expires_in()).isEqualTo(3600);
        org.assertj.core.api.Assertions.assertThat(token.claims()).containsEntry("sub", "alice")
                .containsEntry("email", "alice@example.test").containsEntry("teams", Map.of("demo", "owner"))
                .containsKey("auth_time");
        api().get().uri("/api/usage/demo").header(HttpHeaders.AUTHORIZATION, "Bearer " + token.token())
                .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("usage of demo");
    }

    @Test
    void devTokenWithOperatorRoleOpensTheOperatorApi() {
        String token = api().get().uri("/dev/token?roles=support_agent,operator").exchange().expectStatus().isOk()
                .expectBody(DevToken.class).returnResult().getResponseBody().token();

        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isOk();
    }

    @Test
    void memberDevTokenIsRefusedByTheOperatorApi() {
        String token = api().get().uri("/dev/token?team=demo&role=member").exchange().expectStatus().isOk()
                .expectBody(DevToken.class).returnResult().getResponseBody().token();

        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void rejectsAnUnknownRoleNamingTheParameter() {
        api().get().uri("/dev/token?team=demo&role=king").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("role");
        api().get().uri("/dev/token?roles=janitor").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("roles");
    }

    private WebTestClient api() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(10)).build();
    }

    record DevToken(String token, String token_type, long expires_in, Map<String, Object> claims) {
    }
}
