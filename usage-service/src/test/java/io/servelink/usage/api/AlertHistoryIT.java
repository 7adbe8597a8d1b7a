package io.servelink.usage.api;

import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A team's alert history from {@code usage_alerts}: newest first, by month, limited, to the team's members only. */
@ServiceIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertHistoryIT {

    @Autowired
    TestInfrastructure infrastructure;
    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeAll
    void seed() throws SQLException {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        try (Connection c = infrastructure.openConnection(); var s = c.createStatement()) {
            s.execute("INSERT INTO usage_alerts (team_slug, scope, metric, period, threshold_percent, usage_bytes, limit_bytes, event_id, crossed_at) VALUES "
                    + "('alerted', '', 'TRAFFIC', '2026-10', 80, 8000000000, 10000000000, gen_random_uuid(), '2026-10-20T06:00:00Z'),"
                    + "('alerted', '', 'TRAFFIC', '2026-10', 95, 9500000000, 10000000000, gen_random_uuid(), '2026-10-27T06:00:00Z'),"
                    + "('alerted', 'shop', 'STORAGE', '2026-11', 80, 800000000, 1000000000, gen_random_uuid(), '2026-11-03T06:00:00Z'),"
                    + "('alerted', '', 'TRAFFIC', '2026-11', 100, 10200000000, 10000000000, gen_random_uuid(), '2026-11-09T06:00:00Z'),"
                    + "('elsewhere', '', 'TRAFFIC', '2026-11', 80, 8000000000, 10000000000, gen_random_uuid(), '2026-11-10T06:00:00Z')");
        }
    }

    @Test
    void listsTheTeamsAlertsNewestFirstWithScopeThresholdUsageAndLimit() {
        get("/api/usage/alerted/alerts", TestTokens.member("alerted")).expectStatus().isOk().expectBody()
                .jsonPath("$.team_slug").isEqualTo("alerted")
                .jsonPath("$.alerts.length()").isEqualTo(4)
                .jsonPath("$.alerts[0].metric").isEqualTo("traffic")
                .jsonPath("$.alerts[0].scope").isEqualTo("team")
                .jsonPath("$.alerts[0].project_id").doesNotExist()
                .jsonPath("$.alerts[0].threshold_percent").isEqualTo(100)
                .jsonPath("$.alerts[0].usage.bytes").isEqualTo(10_200_000_000L)
                .jsonPath("$.alerts[0].limit.gb").isEqualTo(10.0)
                .jsonPath("$.alerts[0].period").isEqualTo("2026-11")
                .jsonPath("$.alerts[0].crossed_at").isEqualTo("2026-11-09T06:00:00Z")
                .jsonPath("$.alerts[1].metric").isEqualTo("storage")
                .jsonPath("$.alerts[1].scope").isEqualTo("project")
                .jsonPath("$.alerts[1].project_id").isEqualTo("shop")
                .jsonPath("$.alerts[2].threshold_percent").isEqualTo(95)
                .jsonPath("$.alerts[3].threshold_percent").isEqualTo(80)
                .jsonPath("$.alerts[3].period").isEqualTo("2026-10");
    }

    @Test
    void filtersByMonthAndLimitsTheAnswer() {
        get("/api/usage/alerted/alerts?month=2026-10", TestTokens.owner("alerted")).expectStatus().isOk().expectBody()
                .jsonPath("$.alerts.length()").isEqualTo(2)
                .jsonPath("$.alerts[0].threshold_percent").isEqualTo(95);
        get("/api/usage/alerted/alerts?limit=1", TestTokens.forTeam("alerted", TeamRole.ADMIN)).expectStatus().isOk().expectBody()
                .jsonPath("$.alerts.length()").isEqualTo(1)
                .jsonPath("$.alerts[0].threshold_percent").isEqualTo(100);
        get("/api/usage/alerted/alerts?month=2025-01", TestTokens.member("alerted")).expectStatus().isOk().expectBody()
                .jsonPath("$.alerts.length()").isEqualTo(0);
    }

    @Test
    void refusesBadParametersNamingThemAndOtherTeams() {
        get("/api/usage/alerted/alerts?month=2026-13", TestTokens.member("alerted")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("month");
        get("/api/usage/alerted/alerts?limit=0", TestTokens.member("alerted")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
        get("/api/usage/alerted/alerts?limit=201", TestTokens.member("alerted")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
        get("/api/usage/Alerted_/alerts", TestTokens.member("alerted")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("team_slug");
        get("/api/usage/alerted/alerts", TestTokens.member("elsewhere")).expectStatus().isForbidden();
        get("/api/usage/alerted/alerts", null).expectStatus().isUnauthorized();
    }

    private WebTestClient.ResponseSpec get(String uri, String token) {
        WebTestClient.RequestHeadersSpec<?> request = client.get().uri(uri);
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.exchange();
    }
}
