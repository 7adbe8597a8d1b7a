package io.servelink.gateway.ratelimit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.servelink.gateway.GatewayIT;
import io.servelink.infra.test.TestTokens;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Rate limits with the in-memory backend. The test client stands behind a "trusted proxy" (127.0.0.1) and names
 * its address in X-Forwarded-For, so each test has client addresses of its own.
 */
@GatewayIT
class RateLimitIT {

    static final WireMockServer usageService = new WireMockServer(options().dynamicPort());
    private static final AtomicInteger addresses = new AtomicInteger(1);

    static {
        usageService.start();
    }

    @LocalServerPort
    int port;
    @Autowired
    TokenBuckets buckets;

    WebTestClient client;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("servelink.gateway.services.usage", usageService::baseUrl);
        registry.add("servelink.gateway.rate-limits.backend", () -> "memory");
        registry.add("servelink.gateway.rate-limits.trusted-proxies", () -> "127.0.0.1,::1");
        registry.add("servelink.gateway.rate-limits.per-team.burst", () -> "3");
        registry.add("servelink.gateway.rate-limits.per-team.requests-per-second", () -> "0.2");
        registry.add("servelink.gateway.rate-limits.per-address.burst", () -> "5");
        registry.add("servelink.gateway.rate-limits.per-address.requests-per-second", () -> "0.1");
    }

    @AfterAll
    static void stop() {
        usageService.stop();
    }

    @BeforeEach
    void setUp() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        usageService.stubFor(get(urlPathMatching("/api/usage/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}")));
    }

    static String newAddress() {
        int n = addresses.getAndIncrement();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    @Test
    void usesTheMemoryBackendWhenAskedTo() {
        assertThat(buckets).isInstanceOf(InMemoryTokenBuckets.class);
    }

    @Test
    void refusesATeamBeyondItsBurstWith429ProblemAndRetryAfterAndNeverReachesTheService() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestTokens.member(team);
        for (int i = 0; i < 3; i++) {
            // a different client address each time: only the team's bucket can refuse
            client.get().uri("/api/usage/" + team).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .header("X-Forwarded-For", newAddress()).exchange().expectStatus().isOk();
        }
        EntityExchangeResult<byte[]> refused = client.get().uri("/api/usage/" + team)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).header("X-Forwarded-For", newAddress())
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "5")
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://problems.servelink.io/rate-limited")
                .jsonPath("$.status").isEqualTo(429)
                .jsonPath("$.detail").isEqualTo("Too many requests for this team; retry after 5 s")
                .returnResult();
        assertThat(refused.getStatus().value()).isEqualTo(429);
        usageService.verify(3, getRequestedFor(urlPathEqualTo("/api/usage/" + team)));

        String otherTeam = team + "-b";
        client.get().uri("/api/usage/" + otherTeam).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.owner(otherTeam))
                .header("X-Forwarded-For", newAddress()).exchange().expectStatus().isOk() /* another team has its own bucket */;
    }

    @Test
    void refusesAnAddressBeyondItsBurstOnEveryKindOfRequestBeforeTheTokenIsChecked() {
        String flooder = newAddress();
        for (int i = 0; i < 5; i++) {
            client.get().uri("/anything").header(HttpHeaders.HOST, "nobody.apps.localhost").header("X-Forwarded-For", flooder)
                    .exchange().expectStatus().isNotFound();
        }
        client.get().uri("/anything").header(HttpHeaders.HOST, "nobody.apps.localhost").header("X-Forwarded-For", flooder)
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "10")
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/rate-limited")
                .jsonPath("$.detail").isEqualTo("Too many requests from this address; retry after 10 s");
        client.get().uri("/api/usage/demo").header("X-Forwarded-For", flooder)
                .exchange().expectStatus().isEqualTo(429) /* API without a token: refused before the 401 */;

        client.get().uri("/anything").header(HttpHeaders.HOST, "nobody.apps.localhost").header("X-Forwarded-For", newAddress())
                .exchange().expectStatus().isNotFound() /* other addresses are served */;
    }

    @Test
    void believesForwardedForOnlyFromTrustedProxies() {
        String flooder = newAddress();
        for (int i = 0; i < 5; i++) {
            client.get().uri("/x").header(HttpHeaders.HOST, "nobody.apps.localhost")
                    .header("X-Forwarded-For", flooder + ", 127.0.0.1").exchange().expectStatus().isNotFound();
        }
        client.get().uri("/x").header(HttpHeaders.HOST, "nobody.apps.localhost")
                .header("X-Forwarded-For", flooder + ", 127.0.0.1").exchange().expectStatus().isEqualTo(429) /* trusted hops are skipped: the client is the right-most untrusted address */;
    }
}
