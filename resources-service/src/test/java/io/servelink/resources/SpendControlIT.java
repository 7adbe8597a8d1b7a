package io.servelink.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.TestTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The owner's spend control: a traffic hard cap on a soft plan, stored, audited, and carried by the entitlements snapshot
 * on Kafka; the catalog's traffic policy per plan; who may set it and which values are refused.
 */
class SpendControlIT extends ResourcesITSupport {

    private static final String PROBLEM_JSON = "application/problem+json";

    private WebTestClient.ResponseSpec put(String team, String token, String body) {
        return client().put().uri("/api/resources/{team}/spend-control", team)
                .header("Authorization", bearer(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private Object storedCap(String team) throws Exception {
        Map<String, Object> row = queryOne("SELECT traffic_hard_cap_percent FROM teams WHERE slug = ?", team);
        return row == null ? null : row.get("traffic_hard_cap_percent");
    }

    @Test
    void theCatalogTellsEachPlansTrafficPolicy() {
        client().get().uri("/api/resources/{team}/available", "policy-reader")
                .header("Authorization", bearer(TestTokens.member("policy-reader")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.plans[0].id").isEqualTo("free")
                .jsonPath("$.plans[0].traffic_policy").isEqualTo("stop")
                .jsonPath("$.plans[1].id").isEqualTo("pro")
                .jsonPath("$.plans[1].traffic_policy").isEqualTo("soft");
    }

    @Test
    void theOwnerSetsAndClearsTheHardCapAndEachChangeRepublishesTheEntitlements() throws Exception {
        makePro("capped");
        EntitlementsChanged upgraded = lastSnapshotOf("capped");
        assertThat(upgraded.trafficPolicy()).isEqualTo(TrafficPolicy.SOFT);
        assertThat(upgraded.trafficHardCapPercent()).isNull();

        put("capped", ownerOf("capped"), "{\"traffic_hard_cap_percent\": 150}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.plan").isEqualTo("pro")
                .jsonPath("$.traffic_policy").isEqualTo("soft")
                .jsonPath("$.traffic_hard_cap_percent").isEqualTo(150)
                .jsonPath("$.traffic_stop_percent").isEqualTo(150)
                .jsonPath("$.version").isEqualTo(upgraded.version() + 1);
        assertThat(storedCap("capped")).isEqualTo(150);
        EntitlementsChanged capped = lastSnapshotOf("capped");
        assertThat(capped.version()).isEqualTo(upgraded.version() + 1);
        assertThat(capped.trafficPolicy()).isEqualTo(TrafficPolicy.SOFT);
        assertThat(capped.trafficHardCapPercent()).isEqualTo(150);
        assertThat(capped.trafficStopPercent()).hasValue(150);
        assertThat(capped.limits()).isEqualTo(upgraded.limits());

        client().get().uri("/api/resources/{team}/spend-control", "capped")
                .header("Authorization", bearer(TestTokens.member("capped")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_hard_cap_percent").isEqualTo(150)
                .jsonPath("$.traffic_stop_percent").isEqualTo(150);
        client().get().uri("/api/resources/{team}/limits", "capped")
                .header("Authorization", bearer(TestTokens.member("capped")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_policy").isEqualTo("soft")
                .jsonPath("$.traffic_hard_cap_percent").isEqualTo(150)
                .jsonPath("$.traffic_stop_percent").isEqualTo(150);

        put("capped", ownerOf("capped"), "{\"traffic_hard_cap_percent\": 150}").expectStatus().isOk();
        assertThat(snapshotsOf("capped")).as("the same value again publishes nothing").hasSize(2);

        put("capped", ownerOf("capped"), "{\"traffic_hard_cap_percent\": null}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_hard_cap_percent").doesNotExist()
                .jsonPath("$.traffic_stop_percent").doesNotExist();
        assertThat(storedCap("capped")).isNull();
        EntitlementsChanged cleared = lastSnapshotOf("capped");
        assertThat(cleared.version()).isEqualTo(capped.version() + 1);
        assertThat(cleared.trafficHardCapPercent()).isNull();
        assertThat(cleared.trafficStopPercent()).isEmpty();

        assertThat(query("SELECT actor, action, details::text AS details FROM audit_log WHERE team_slug = ? AND action = ? ORDER BY id",
                "capped", "spend_control.changed"))
                .extracting(row -> row.get("actor") + " " + row.get("details"))
                .containsExactly(
                        "user-owner-capped {\"traffic_hard_cap_percent\": 150, \"traffic_hard_cap_percent_before\": null}",
                        "user-owner-capped {\"traffic_hard_cap_percent\": null, \"traffic_hard_cap_percent_before\": 150}");
    }

    @Test
    void onlyTheOwnerMaySetItAndAnotherTeamsOwnerIsRefused() throws Exception {
        makePro("guarded");
        for (String caller : List.of(TestTokens.forTeam("guarded", TeamRole.ADMIN), TestTokens.member("guarded"), ownerOf("someone-else"))) {
            for (String body : List.of("{\"traffic_hard_cap_percent\": 120}", "{\"traffic_hard_cap_percent\": 5}", "not json")) {
                put("guarded", caller, body)
                        .expectStatus().isForbidden()
                        .expectHeader().contentType(PROBLEM_JSON)
                        .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/forbidden");
            }
        }
        client().get().uri("/api/resources/{team}/spend-control", "guarded")
                .header("Authorization", bearer(ownerOf("someone-else")))
                .exchange().expectStatus().isForbidden();
        assertThat(storedCap("guarded")).isNull();
        assertThat(snapshotsOf("guarded")).hasSize(1);
    }

    @Test
    void badValuesAre400NamingTheFieldAndStoreNothing() throws Exception {
        makePro("sloppy");
        for (String value : List.of("99", "1001", "-150", "150.5", "\"150\"", "true", "[150]", "{\"percent\": 150}", "99999999999")) {
            put("sloppy", ownerOf("sloppy"), "{\"traffic_hard_cap_percent\": " + value + "}")
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(PROBLEM_JSON)
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("traffic_hard_cap_percent");
        }
        assertThat(storedCap("sloppy")).isNull();
        assertThat(snapshotsOf("sloppy")).hasSize(1);
    }

    @Test
    void aFreeTeamIsTold409ThatItsPlanAlwaysStopsAt100Percent() throws Exception {
        put("free-cap", ownerOf("free-cap"), "{\"traffic_hard_cap_percent\": 200}")
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://problems.servelink.io/conflict")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("Free plan always stops").contains("100 %"));
        assertThat(storedCap("free-cap")).isNull();
        assertThat(snapshotsOf("free-cap")).isEmpty();

        client().get().uri("/api/resources/{team}/spend-control", "free-cap")
                .header("Authorization", bearer(ownerOf("free-cap")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.plan").isEqualTo("free")
                .jsonPath("$.traffic_policy").isEqualTo("stop")
                .jsonPath("$.traffic_stop_percent").isEqualTo(100)
                .jsonPath("$.traffic_hard_cap_percent").doesNotExist();
    }
}
