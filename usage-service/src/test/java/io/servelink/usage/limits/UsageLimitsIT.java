package io.servelink.usage.limits;

import io.servelink.infra.test.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EffectiveLimits;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.contracts.events.usage.UsageMetric;
import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestKafka;
import io.servelink.infra.test.TestTokens;
import io.servelink.usage.UsageChanged;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** Limits from the entitlements topic, thresholds raised once and only once, teams' own thresholds. */
@ServiceIT
@Import(TestClock.Configuration.class)
@TestPropertySource(properties = {"servelink.jobs.enabled=false", "servelink.usage.limits.check-window=100ms"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageLimitsIT {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    LimitCheck limitCheck;
    @LocalServerPort
    int port;

    TestKafka kafka;
    WebTestClient client;
    YearMonth month;

    @BeforeAll
    void setUp() throws SQLException {
        kafka = TestKafka.of(infrastructure);
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        month = YearMonth.now(ZoneOffset.UTC);
        execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) VALUES "
                + "('acme-web', 'acme', '{}', 'ACTIVE', 0, 1, now()), ('acme-api', 'acme', '{}', 'ACTIVE', 0, 2, now()), "
                + "('race-1', 'race', '{}', 'ACTIVE', 0, 3, now()), ('thrift-1', 'thrift', '{}', 'ACTIVE', 0, 4, now())");
    }

    @AfterAll
    void tearDown() {
        kafka.close();
    }

    @Test
    void keepsTheHighestEntitlementsVersionAndGivesOtherTeamsTheFreeDefaults() {
        entitlements("versioned", 5, 2_000_000_000L, 3_000_000_000L);
        entitlements("versioned", 4, 1L, 1L);
        entitlements("versioned", 5, 7L, 7L);
        entitlements("marker", 1, 1L, 1L);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scalar("SELECT count(*) FROM team_limits WHERE team_slug = 'marker'")).isEqualTo(1));

        client.get().uri("/api/usage/versioned").header("Authorization", "Bearer " + TestTokens.member("versioned"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.limits.plan").isEqualTo("pro")
                .jsonPath("$.limits.source").isEqualTo("entitlements")
                .jsonPath("$.limits.traffic_per_month.bytes").isEqualTo(2_000_000_000L)
                .jsonPath("$.limits.traffic_per_month.gb").isEqualTo(2.0)
                .jsonPath("$.limits.storage.bytes").isEqualTo(3_000_000_000L);

        client.get().uri("/api/usage/newcomer").header("Authorization", "Bearer " + TestTokens.member("newcomer"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.limits.plan").isEqualTo("free")
                .jsonPath("$.limits.source").isEqualTo("default")
                .jsonPath("$.limits.traffic_per_month.bytes").isEqualTo(10_000_000_000L)
                .jsonPath("$.limits.storage.bytes").isEqualTo(1_000_000_000L)
                .jsonPath("$.percent.traffic").isEqualTo(0.0);
    }

    @Test
    void raisesEachThresholdOnceAsTrafficGrowsAndNeverAgain() throws SQLException {
        entitlements("acme", 1, 1_000_000L, 10_000_000_000L);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scalar("SELECT count(*) FROM team_limits WHERE team_slug = 'acme'")).isEqualTo(1));

        traffic("acme-web", 850_000);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(alerts("acme")).containsExactlyInAnyOrder(
                "acme-web:TRAFFIC:80", ":TRAFFIC:80"));

        traffic("acme-api", 150_000);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(alerts("acme")).containsExactlyInAnyOrder(
                "acme-web:TRAFFIC:80", ":TRAFFIC:80", ":TRAFFIC:95", ":TRAFFIC:100"));

        traffic("acme-api", 10);
        assertThat(limitCheck.checkAll().block().alertsRaised()).isZero();
        assertThat(limitCheck.check(UsageChanged.ofTeam("acme")).block().alertsRaised()).isZero();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scalar("SELECT coalesce(sum(traffic_bytes), 0) FROM project_usage WHERE project_id LIKE 'acme-%'")).isEqualTo(1_000_010));
        List<EventEnvelope<UsageThresholdCrossed>> events = await().atMost(Duration.ofSeconds(20)).until(
                () -> alertEvents("acme"), list -> list.size() >= 4);
        assertThat(alertEvents("acme")).hasSize(4);
        UsageThresholdCrossed teamFull = events.stream().map(EventEnvelope::payload)
                .filter(e -> e.projectId() == null && e.thresholdPercent() == 100).findFirst().orElseThrow();
        assertThat(teamFull.metric()).isEqualTo(UsageMetric.TRAFFIC);
        assertThat(teamFull.usageBytes()).isEqualTo(1_000_000);
        assertThat(teamFull.limitBytes()).isEqualTo(1_000_000);
        assertThat(teamFull.period()).isEqualTo(month.toString());

        client.get().uri("/api/usage/acme").header("Authorization", "Bearer " + TestTokens.member("acme"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.percent.traffic").isEqualTo(100.0)
                .jsonPath("$.percent.storage").isEqualTo(0.0);
    }

    @Test
    void raisesEachThresholdOnceWhenTwoReplicasCheckTheSameDataAtOnce() throws SQLException {
        // Limits written directly, not through the entitlements topic: a consumed change queues a background check
        // of the team, which could land after the usage below and raise the alerts before the replicas do.
        execute("INSERT INTO team_limits (team_slug, plan, traffic_bytes_per_month, storage_bytes, valid_until, version, updated_at) "
                + "VALUES ('race', 'pro', 100, 10000, now() + interval '30 days', 1, now())");
        execute("INSERT INTO project_usage (project_id, year, month, traffic_bytes, storage_bytes) VALUES ('race-1', "
                + month.getYear() + ", " + month.getMonthValue() + ", 100, 9500)");

        long raised = 0;
        for (int round = 0; round < 3; round++) {
            raised += Mono.zip(limitCheck.check(UsageChanged.ofTeam("race")), limitCheck.check(UsageChanged.ofTeam("race")),
                            limitCheck.checkAll())
                    .map(t -> t.getT1().alertsRaised() + t.getT2().alertsRaised() + t.getT3().alertsRaised())
                    .block();
        }

        // traffic 100 % and storage 95 %, for the project and the team: 2 x (3 + 2) alerts
        assertThat(raised).isEqualTo(10);
        assertThat(alerts("race")).hasSize(10).contains("race-1:STORAGE:95", ":STORAGE:95", "race-1:TRAFFIC:100");
        assertThat(scalar("SELECT count(*) FROM event_outbox WHERE event_key = 'race' AND topic = '"
                + infrastructure.topics().usageAlerts() + "'")).isEqualTo(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertEvents("race").size() >= 10);
        assertThat(alertEvents("race")).hasSize(10);
    }

    @Test
    void letsOwnersAddTheirOwnThresholdsWhichRaiseAlertsToo() throws SQLException {
        entitlements("thrift", 1, 1_000L, 1_000_000L);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scalar("SELECT count(*) FROM team_limits WHERE team_slug = 'thrift'")).isEqualTo(1));
        execute("INSERT INTO project_usage (project_id, year, month, traffic_bytes) VALUES ('thrift-1', "
                + month.getYear() + ", " + month.getMonthValue() + ", 600)");

        client.put().uri("/api/usage/thrift/alert-thresholds").header("Authorization", "Bearer " + TestTokens.owner("thrift"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"thresholds\": [50, 80, 25]}")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.custom").isEqualTo(List.of(25, 50))
                .jsonPath("$.effective").isEqualTo(List.of(25, 50, 80, 95, 100));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(alerts("thrift")).containsExactlyInAnyOrder(
                "thrift-1:TRAFFIC:25", "thrift-1:TRAFFIC:50", ":TRAFFIC:25", ":TRAFFIC:50"));

        client.get().uri("/api/usage/thrift/alert-thresholds").header("Authorization", "Bearer " + TestTokens.member("thrift"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.fixed").isEqualTo(List.of(80, 95, 100))
                .jsonPath("$.custom").isEqualTo(List.of(25, 50));
    }

    @Test
    void refusesThresholdChangesFromMembersOtherTeamsAndBadValues() throws SQLException {
        client.put().uri("/api/usage/thrift/alert-thresholds").header("Authorization", "Bearer " + TestTokens.member("thrift"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"thresholds\": [10]}")
                .exchange().expectStatus().isForbidden().expectHeader().contentType(PROBLEM_JSON);
        client.put().uri("/api/usage/thrift/alert-thresholds").header("Authorization", "Bearer " + TestTokens.forTeam("acme", TeamRole.OWNER))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"thresholds\": [10]}")
                .exchange().expectStatus().isForbidden();
        client.get().uri("/api/usage/thrift/alert-thresholds").header("Authorization", "Bearer " + TestTokens.member("acme"))
                .exchange().expectStatus().isForbidden();

        for (String body : new String[] {"{\"thresholds\": [0]}", "{\"thresholds\": [101]}", "{\"thresholds\": [50.5]}",
                "{\"thresholds\": [\"fifty\"]}", "{}", "{\"thresholds\": [1,2,3,4,5,6,7,8,9,10,11]}",
                "{\"thresholds\": [50,50,50,50,50,50,50,50,50,50,50,50,50,50]}"}) {
            client.put().uri("/api/usage/bad/alert-thresholds").header("Authorization", "Bearer " + TestTokens.forTeam("bad", TeamRole.ADMIN))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isBadRequest().expectHeader().contentType(PROBLEM_JSON)
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("thresholds");
        }
        assertThat(scalar("SELECT count(*) FROM team_alert_thresholds WHERE team_slug = 'bad'")).isZero();
    }

    private void entitlements(String team, long version, long traffic, long storage) {
        kafka.publish(infrastructure.topics().entitlements(), team, new EntitlementsChanged(team, version > 1 || traffic > 1 ? "pro" : "free",
                Instant.now().plus(Duration.ofDays(30)), version, new EffectiveLimits(traffic, storage, 2048, 2)));
    }

    private void traffic(String project, long bytes) {
        Instant now = Instant.now();
        kafka.publish(infrastructure.topics().traffic(), project, new TrafficRecorded(project, now, now.plusSeconds(5), 0, bytes, 1));
    }

    private List<EventEnvelope<UsageThresholdCrossed>> alertEvents(String team) {
        return kafka.readEvents(infrastructure.topics().usageAlerts(), UsageThresholdCrossed.class).stream()
                .filter(e -> e.payload().teamSlug().equals(team)).toList();
    }

    private List<String> alerts(String team) throws SQLException {
        try (Connection c = infrastructure.openConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT scope || ':' || metric || ':' || threshold_percent FROM usage_alerts WHERE team_slug = '" + team + "'")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = infrastructure.openConnection()) {
            c.createStatement().execute(sql);
        }
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = infrastructure.openConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
