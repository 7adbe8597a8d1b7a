package io.servelink.usage;

import io.servelink.infra.test.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A team's alert-threshold change and an operator's job run each write exactly one audit row (who, team, before and
 * after, client address); refused requests write none.
 */
@ServiceIT
@Import(TestClock.Configuration.class)
@TestPropertySource(properties = "servelink.jobs.enabled=false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditTrailIT {

    @Autowired
    TestInfrastructure infrastructure;
    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeAll
    void setUp() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    private WebTestClient.ResponseSpec putThresholds(String team, String token, String body) {
        return client.put().uri("/api/usage/{team}/alert-thresholds", team).header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", "203.0.113.5")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void eachThresholdChangeIsAuditedWithTheCallerAndTheThresholdsBeforeAndAfter() throws Exception {
        putThresholds("audit-limits", TestTokens.forTeam("audit-limits", TeamRole.ADMIN), "{\"thresholds\": [50]}").expectStatus().isOk();
        putThresholds("audit-limits", TestTokens.owner("audit-limits"), "{\"thresholds\": [60, 95, 70]}").expectStatus().isOk();

        List<Map<String, Object>> rows = query("SELECT actor, action, subject_id, remote_address, forwarded_for, details::text AS details "
                + "FROM audit_log WHERE team_slug = ? ORDER BY id", "audit-limits");
        assertThat(rows).hasSize(2).allSatisfy(row -> assertThat(row)
                .containsEntry("action", "alert_thresholds.changed").containsEntry("forwarded_for", "203.0.113.5")
                .hasEntrySatisfying("remote_address", address -> assertThat(address).isIn("127.0.0.1", "0:0:0:0:0:0:0:1")));
        assertThat(rows.get(0)).containsEntry("actor", "user-admin-audit-limits")
                .containsEntry("details", "{\"custom\": [50], \"custom_before\": []}");
        assertThat(rows.get(1)).containsEntry("actor", "user-owner-audit-limits")
                .containsEntry("details", "{\"custom\": [60, 70], \"custom_before\": [50]}");
    }

    @Test
    void refusedThresholdChangesWriteNoAuditRowAndChangeNothing() throws Exception {
        putThresholds("audit-refused", TestTokens.owner("audit-refused"), "{\"thresholds\": [40]}").expectStatus().isOk();
        long before = count("SELECT count(*) FROM audit_log");

        putThresholds("audit-refused", TestTokens.member("audit-refused"), "{\"thresholds\": [10]}").expectStatus().isForbidden();
        putThresholds("audit-refused", TestTokens.owner("somebody-else"), "{\"thresholds\": [10]}").expectStatus().isForbidden();
        putThresholds("audit-refused", TestTokens.owner("audit-refused"), "{\"thresholds\": [0]}").expectStatus().isBadRequest();
        putThresholds("audit-refused", TestTokens.owner("audit-refused"), "{\"thresholds\": \"lots\"}").expectStatus().isBadRequest();
        client.post().uri("/api/usage/admin/jobs/limit-check").header("Authorization", "Bearer " + TestTokens.owner("audit-refused"))
                .exchange().expectStatus().isForbidden();
        client.post().uri("/api/usage/admin/jobs/no-such-job").header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .exchange().expectStatus().isNotFound();

        assertThat(count("SELECT count(*) FROM audit_log")).isEqualTo(before);
        assertThat(query("SELECT thresholds::text AS t FROM team_alert_thresholds WHERE team_slug = ?", "audit-refused"))
                .containsExactly(Map.of("t", "{40}"));
    }

    @Test
    void anOperatorsJobRunIsAuditedWithTheOperatorTheJobAndItsOutcome() throws Exception {
        long before = count("SELECT count(*) FROM audit_log WHERE action = 'job.triggered'");
        client.post().uri("/api/usage/admin/jobs/limit-check").header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .header("X-Forwarded-For", "198.51.100.4")
                .exchange().expectStatus().isOk();

        List<Map<String, Object>> rows = query("SELECT actor, team_slug, subject_id, forwarded_for, details::text AS details "
                + "FROM audit_log WHERE action = 'job.triggered' ORDER BY id");
        assertThat(rows).hasSize((int) before + 1);
        assertThat(rows.getLast()).containsEntry("actor", "staff-operator").containsEntry("team_slug", null)
                .containsEntry("subject_id", "limit-check").containsEntry("forwarded_for", "198.51.100.4");
        assertThat((String) rows.getLast().get("details")).contains("\"job\": \"limit-check\"").contains("\"ran\": true")
                .contains("\"outcome\": \"completed\"");
    }

    private long count(String sql) throws SQLException {
        return infrastructure.count(sql);
    }

    private List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        return infrastructure.query(sql, args);
    }
}
