package io.servelink.usage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The usage API on real data: figures, units, months, and who may see what. */
@ServiceIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageApiIT {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Autowired
    TestInfrastructure infrastructure;
    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeAll
    void seed() throws SQLException {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build();
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        try (Connection c = infrastructure.openConnection(); var s = c.createStatement()) {
            s.execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) VALUES "
                    + "('hello', 'demo', '{hello.apps.localhost}', 'ACTIVE', 0, 1, now()), "
                    + "('quiet', 'demo', '{quiet.apps.localhost}', 'ACTIVE', 0, 2, now()), "
                    + "('gone', 'demo', '{}', 'ACTIVE', 0, 3, now()), "
                    + "('rival', 'globex', '{rival.apps.localhost}', 'ACTIVE', 0, 4, now())");
            s.execute("UPDATE projects SET deleted_at = now() WHERE project_id = 'gone'");
            s.execute("INSERT INTO project_usage (project_id, year, month, traffic_bytes, request_bytes, response_bytes, requests, storage_bytes) VALUES "
                    + "('hello', 2026, 10, 1500000000, 500000000, 1000000000, 42, 2000000000), "
                    + "('gone', 2026, 10, 1000, 1000, 0, 1, 0), "
                    + "('rival', 2026, 10, 999, 0, 999, 1, 0), "
                    + "('hello', " + now.getYear() + ", " + now.getMonthValue() + ", 123, 23, 100, 3, 0)");
            s.execute("INSERT INTO project_usage_daily (project_id, day, traffic_bytes, request_bytes, response_bytes, requests) VALUES "
                    + "('hello', DATE '2026-10-01', 1000000000, 0, 1000000000, 40), ('hello', DATE '2026-10-31', 500000000, 500000000, 0, 2)");
        }
    }

    @Test
    void answersTeamTotalsAndEachProjectInBytesMegabytesAndGigabytes() {
        client.get().uri("/api/usage/demo?month=2026-10").header("Authorization", "Bearer " + TestTokens.member("demo"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.team_slug").isEqualTo("demo")
                .jsonPath("$.month").isEqualTo("2026-10")
                .jsonPath("$.traffic.bytes").isEqualTo(1_500_001_000L)
                .jsonPath("$.traffic.mb").isEqualTo(1500.001)
                .jsonPath("$.traffic.gb").isEqualTo(1.500001)
                .jsonPath("$.storage.gb").isEqualTo(2.0)
                .jsonPath("$.requests").isEqualTo(43)
                .jsonPath("$.projects.length()").isEqualTo(3)
                .jsonPath("$.projects[0].project_id").isEqualTo("gone")
                .jsonPath("$.projects[0].status").isEqualTo("deleted")
                .jsonPath("$.projects[1].project_id").isEqualTo("hello")
                .jsonPath("$.projects[1].request_traffic.bytes").isEqualTo(500_000_000)
                .jsonPath("$.projects[1].response_traffic.bytes").isEqualTo(1_000_000_000)
                .jsonPath("$.projects[2].project_id").isEqualTo("quiet")
                .jsonPath("$.projects[2].traffic.bytes").isEqualTo(0);
    }

    @Test
    void answersZeroTotalsAndTheFreeLimitsForATeamWithoutProjects() {
        client.get().uri("/api/usage/newcomers?month=2026-10").header("Authorization", "Bearer " + TestTokens.member("newcomers"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.team_slug").isEqualTo("newcomers")
                .jsonPath("$.traffic.bytes").isEqualTo(0)
                .jsonPath("$.requests").isEqualTo(0)
                .jsonPath("$.projects.length()").isEqualTo(0)
                .jsonPath("$.limits.plan").isEqualTo("free")
                .jsonPath("$.limits.source").isEqualTo("default")
                .jsonPath("$.percent.traffic").isEqualTo(0.0);
    }

    @Test
    void defaultsToTheCurrentUtcMonth() {
        client.get().uri("/api/usage/demo").header("Authorization", "Bearer " + TestTokens.member("demo"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.month").isEqualTo(YearMonth.now(ZoneOffset.UTC).toString())
                .jsonPath("$.traffic.bytes").isEqualTo(123);
    }

    @Test
    void answersOneProjectWithItsDailySeries() {
        client.get().uri("/api/usage/demo/projects/hello?month=2026-10").header("Authorization", "Bearer " + TestTokens.owner("demo"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.usage.project_id").isEqualTo("hello")
                .jsonPath("$.usage.traffic.bytes").isEqualTo(1_500_000_000L)
                .jsonPath("$.daily.length()").isEqualTo(2)
                .jsonPath("$.daily[0].day").isEqualTo("2026-10-01")
                .jsonPath("$.daily[1].traffic.gb").isEqualTo(0.5);
    }

    @Test
    void refusesARequestWithoutTokenWith401Problem() {
        client.get().uri("/api/usage/demo").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unauthenticated");
    }

    @Test
    void refusesExpiredAndForgedTokens() {
        client.get().uri("/api/usage/demo").header("Authorization", "Bearer " + TestTokens.expired("demo"))
                .exchange().expectStatus().isUnauthorized();
        client.get().uri("/api/usage/demo").header("Authorization", "Bearer " + TestTokens.forged("demo"))
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void refusesAnotherTeamsUsageWith403Problem() {
        client.get().uri("/api/usage/globex").header("Authorization", "Bearer " + TestTokens.forTeam("demo", TeamRole.OWNER))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/forbidden");
    }

    @Test
    void answers404ForAProjectOfAnotherTeamAndForAnUnknownProject() {
        client.get().uri("/api/usage/demo/projects/rival").header("Authorization", "Bearer " + TestTokens.member("demo"))
                .exchange().expectStatus().isNotFound().expectHeader().contentType(PROBLEM_JSON);
        client.get().uri("/api/usage/demo/projects/nothing-here").header("Authorization", "Bearer " + TestTokens.member("demo"))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void answers400NamingTheMonthParameterForABadMonth() {
        for (String bad : new String[] {"2026-13", "2026-1", "november", "1999-12", "2026-10-01"}) {
            client.get().uri("/api/usage/demo?month=" + bad).header("Authorization", "Bearer " + TestTokens.member("demo"))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.type").isEqualTo("https://problems.servelink.io/validation")
                    .jsonPath("$.errors[0].field").isEqualTo("month");
        }
    }

    @Test
    void answers400NamingTheTeamSlugForAMalformedSlug() {
        client.get().uri("/api/usage/Not_A_Slug").header("Authorization", "Bearer " + TestTokens.member("demo"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("team_slug");
    }

    /** The gateway's operator API refuses the same slugs (its {@code ProjectIngressIT}): nothing is metered that cannot be read. */
    @Test
    void refusesSlugsEndingInAHyphenAsTheGatewayDoes() {
        client.get().uri("/api/usage/acme-").header("Authorization", "Bearer " + TestTokens.member("acme-"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("team_slug");
        client.get().uri("/api/usage/acme/projects/web-").header("Authorization", "Bearer " + TestTokens.member("acme"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("project_id");
        client.get().uri("/api/usage/acme/projects/acme-web").header("Authorization", "Bearer " + TestTokens.member("acme"))
                .exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void describesTheApiInOpenApi() {
        String spec = client.get().uri("/v3/api-docs").accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(spec).contains("/api/usage/{team_slug}", "/api/usage/{team_slug}/projects/{project_id}");
    }
}
