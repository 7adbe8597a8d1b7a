package io.servelink.usage.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestKafka;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The scheduled jobs through the operator trigger: storage from a Docker engine (WireMock), the lock and the audit of
 * runs. The sleep jobs have {@code SleepAndWakeIT}.
 */
@ServiceIT
@Import(TestClock.Configuration.class)
@TestPropertySource(properties = "servelink.jobs.enabled=false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageJobsIT {

    private static final WireMockServer DOCKER = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final String SYSTEM_DF = "/v1.43/system/df";

    static {
        DOCKER.start();
    }

    @DynamicPropertySource
    static void docker(DynamicPropertyRegistry registry) {
        registry.add("servelink.usage.storage.probe", () -> "docker");
        registry.add("servelink.usage.storage.docker.url", () -> "http://localhost:" + DOCKER.port());
    }

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    TestClock clock;
    @LocalServerPort
    int port;

    TestKafka kafka;
    WebTestClient client;
    String recordedDf;
    String recordedContainers;
    String recordedVolumes;

    @BeforeAll
    void setUp() throws Exception {
        kafka = TestKafka.of(infrastructure);
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build();
        recordedDf = resource("/docker/system-df.json");
        recordedContainers = resource("/docker/containers.json");
        recordedVolumes = resource("/docker/volumes.json");
        execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) VALUES "
                + "('shop', 'acme', '{}', 'ACTIVE', 0, 1, now()), ('blog', 'acme', '{}', 'ACTIVE', 0, 2, now()), "
                + "('idle', 'acme', '{}', 'ACTIVE', 0, 3, now())");
    }

    @BeforeEach
    void resetClock() {
        clock.set(Instant.now());
    }

    @AfterAll
    void tearDown() {
        kafka.close();
        DOCKER.stop();
    }

    @Test
    void measuresEachProjectsVolumesImagesAndLayersFromTheDockerEngineAndKeepsTheLatest() throws Exception {
        DOCKER.resetAll();
        stubLabelledContainersAndVolumes();
        DOCKER.stubFor(get(urlPathEqualTo(SYSTEM_DF)).willReturn(json(recordedDf)));

        trigger("storage-measurement").expectStatus().isOk().expectBody()
                .jsonPath("$.job").isEqualTo("storage-measurement")
                .jsonPath("$.ran").isEqualTo(true)
                .jsonPath("$.result.outcome").isEqualTo("completed")
                .jsonPath("$.result.figures.projects_found").isEqualTo(2)
                .jsonPath("$.result.figures.projects_measured").isEqualTo(3);

        YearMonth month = YearMonth.now(clock);
        // shop: volumes 250 + 40 MB, images nginx 187 + worker 95 MB, writable layers 1.2 + 0.3 MB
        assertThat(storage("shop", month)).isEqualTo(573_500_000L);
        // blog: its volume's size is unknown (-1), nginx 187 MB, layer 0.5 MB
        assertThat(storage("blog", month)).isEqualTo(187_500_000L);
        assertThat(storage("idle", month)).isZero();
        assertThat(scalar("SELECT volume_bytes FROM storage_measurements WHERE project_id = 'shop'")).isEqualTo(290_000_000L);
        assertThat(scalar("SELECT image_bytes FROM storage_measurements WHERE project_id = 'shop'")).isEqualTo(282_000_000L);

        DOCKER.stubFor(get(urlPathEqualTo(SYSTEM_DF)).willReturn(json(recordedDf.replace("\"Size\": 250000000", "\"Size\": 450000000"))));
        trigger("storage-measurement").expectStatus().isOk();

        assertThat(storage("shop", month)).isEqualTo(773_500_000L);
        assertThat(scalar("SELECT count(*) FROM storage_measurements WHERE project_id = 'shop'")).isEqualTo(2);
        client.get().uri("/api/usage/acme").header("Authorization", "Bearer " + TestTokens.member("acme"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.storage.bytes").isEqualTo(961_000_000L)
                .jsonPath("$.percent.storage").isEqualTo(96.1);
        DOCKER.verify(2, getRequestedFor(urlPathEqualTo(SYSTEM_DF)));
    }

    @Test
    void answersDegradedAndKeepsTheFiguresWhenTheDockerEngineFails() throws Exception {
        DOCKER.resetAll();
        stubLabelledContainersAndVolumes();
        DOCKER.stubFor(get(urlPathEqualTo(SYSTEM_DF)).willReturn(json(recordedDf)));
        trigger("storage-measurement").expectStatus().isOk();
        long before = scalar("SELECT count(*) FROM storage_measurements");
        YearMonth month = YearMonth.now(clock);
        long shop = storage("shop", month);

        DOCKER.resetAll();
        stubLabelledContainersAndVolumes();
        DOCKER.stubFor(get(urlPathEqualTo(SYSTEM_DF)).willReturn(aResponse().withStatus(500).withBody("{\"message\":\"daemon error\"}")));
        trigger("storage-measurement").expectStatus().isOk().expectBody()
                .jsonPath("$.ran").isEqualTo(true)
                .jsonPath("$.result.outcome").isEqualTo("degraded")
                .jsonPath("$.result.detail").value(detail -> assertThat((String) detail).contains("docker").contains("500"));

        assertThat(scalar("SELECT count(*) FROM storage_measurements")).isEqualTo(before);
        assertThat(storage("shop", month)).isEqualTo(shop);
        DOCKER.verify(3, getRequestedFor(urlPathEqualTo(SYSTEM_DF)));
    }

    @Test
    void letsOnlyOperatorsTriggerJobsAndAnswers404ForAnUnknownJob() {
        client.post().uri("/api/usage/admin/jobs/limit-check").header("Authorization", "Bearer " + TestTokens.owner("acme"))
                .exchange().expectStatus().isForbidden().expectHeader().contentType("application/problem+json");
        client.post().uri("/api/usage/admin/jobs/limit-check").header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.SUPPORT_AGENT))
                .exchange().expectStatus().isForbidden();
        client.post().uri("/api/usage/admin/jobs/limit-check").exchange().expectStatus().isUnauthorized();
        trigger("limit-check").expectStatus().isOk().expectBody()
                .jsonPath("$.job").isEqualTo("limit-check")
                .jsonPath("$.ran").isEqualTo(true)
                .jsonPath("$.result.outcome").isEqualTo("completed")
                .jsonPath("$.result.figures.teams_checked").exists();
        trigger("reboot-everything").expectStatus().isNotFound().expectHeader().contentType("application/problem+json");
    }

    @Test
    void answers409WhileAnotherReplicaHoldsTheJobAndAuditsTheRefusal() throws Exception {
        execute("INSERT INTO shedlock (name, lock_until, locked_at, locked_by) VALUES ('inactive-projects', "
                + "timezone('utc', now()) + interval '5 minutes', timezone('utc', now()), 'other-replica') "
                + "ON CONFLICT (name) DO UPDATE SET lock_until = EXCLUDED.lock_until, locked_by = EXCLUDED.locked_by");
        try {
            trigger("inactive-projects").expectStatus().isEqualTo(409).expectHeader().contentType("application/problem+json")
                    .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("another replica"));
            assertThat(scalar("SELECT count(*) FROM audit_log WHERE action = 'job.triggered' AND subject_id = 'inactive-projects' "
                    + "AND details->>'ran' = 'false'")).isOne();
        } finally {
            execute("DELETE FROM shedlock WHERE name = 'inactive-projects'");
        }
    }

    @Test
    void theSharedEventRetentionJobRunsHereToo() {
        trigger("event-retention").expectStatus().isOk().expectBody()
                .jsonPath("$.result.figures.outbox_rows_deleted").isEqualTo(0)
                .jsonPath("$.result.figures.processed_events_deleted").isEqualTo(0);
    }

    private WebTestClient.ResponseSpec trigger(String job) {
        return client.post().uri("/api/usage/admin/jobs/" + job).header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .exchange();
    }

    /** The engine's labelled containers (with their writable layers) and volumes, recorded beside its /system/df. */
    private void stubLabelledContainersAndVolumes() {
        DOCKER.stubFor(get(urlPathEqualTo("/v1.43/containers/json")).willReturn(json(recordedContainers)));
        DOCKER.stubFor(get(urlPathEqualTo("/v1.43/volumes")).willReturn(json(recordedVolumes)));
    }

    private String resource(String name) throws IOException {
        try (var in = getClass().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private long storage(String project, YearMonth month) throws SQLException {
        return scalar("SELECT storage_bytes FROM project_usage WHERE project_id = '" + project + "' AND year = " + month.getYear()
                + " AND month = " + month.getMonthValue());
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
