package io.servelink.usage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.TestClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Analytics on known data, the clock at 2026-11-16T00:00Z: series, trend, forecast, comparison, CSV and PDF. */
@ServiceIT
@Import(TestClock.Configuration.class)
@TestPropertySource(properties = "servelink.jobs.enabled=false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsApiIT {

    private static final long GB = 1_000_000_000L;

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    TestClock clock;
    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeAll
    void seed() throws SQLException {
        clock.set(Instant.parse("2026-11-16T00:00:00Z"));
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        try (Connection c = infrastructure.openConnection(); var s = c.createStatement()) {
            s.execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) VALUES "
                    + "('web', 'demo', '{}', 'ACTIVE', 0, 1, now()), ('api', 'demo', '{}', 'ACTIVE', 0, 2, now()), "
                    + "('rival', 'globex', '{}', 'ACTIVE', 0, 3, now())");
            // November: web 1 GB a day on the 1st to the 15th; storage 1, 2, 3 GB on the 1st to the 3rd
            s.execute("INSERT INTO project_usage_daily (project_id, day, traffic_bytes, request_bytes, response_bytes, requests) "
                    + "SELECT 'web', d::date, 1000000000, 100000000, 900000000, 10 FROM generate_series(DATE '2026-11-01', DATE '2026-11-15', interval '1 day') d");
            s.execute("INSERT INTO project_usage (project_id, year, month, traffic_bytes, request_bytes, response_bytes, requests, storage_bytes) VALUES "
                    + "('web', 2026, 11, 15000000000, 1500000000, 13500000000, 150, 3000000000), "
                    + "('web', 2026, 10, 2000000000, 0, 2000000000, 20, 0), ('api', 2026, 10, 1000000000, 0, 1000000000, 10, 500000000), "
                    + "('rival', 2026, 10, 77, 0, 77, 1, 0)");
            s.execute("INSERT INTO project_usage_daily (project_id, day, traffic_bytes, request_bytes, response_bytes, requests) VALUES "
                    + "('web', DATE '2026-10-01', 2000000000, 0, 2000000000, 20), ('api', DATE '2026-10-31', 1000000000, 0, 1000000000, 10), "
                    + "('rival', DATE '2026-10-31', 77, 0, 77, 1)");
            s.execute("INSERT INTO storage_measurements (project_id, measured_at, volume_bytes, image_bytes, container_bytes, total_bytes, source) VALUES "
                    + "('web', TIMESTAMPTZ '2026-11-01T04:00:00Z', 0, 0, 0, 500000000, 'docker'), "
                    + "('web', TIMESTAMPTZ '2026-11-01T12:00:00Z', 1000000000, 0, 0, 1000000000, 'docker'), "
                    + "('web', TIMESTAMPTZ '2026-11-02T04:00:00Z', 2000000000, 0, 0, 2000000000, 'docker'), "
                    + "('web', TIMESTAMPTZ '2026-11-03T04:00:00Z', 3000000000, 0, 0, 3000000000, 'docker')");
        }
    }

    @Test
    void answersEveryDayOfTheMonthWithZerosIncluded() {
        get("/api/usage/demo/daily?month=2026-11").expectStatus().isOk().expectBody()
                .jsonPath("$.month").isEqualTo("2026-11")
                .jsonPath("$.days.length()").isEqualTo(30)
                .jsonPath("$.days[0].day").isEqualTo("2026-11-01")
                .jsonPath("$.days[0].traffic.gb").isEqualTo(1.0)
                .jsonPath("$.days[14].traffic.bytes").isEqualTo(GB)
                .jsonPath("$.days[15].traffic.bytes").isEqualTo(0)
                .jsonPath("$.days[29].day").isEqualTo("2026-11-30")
                .jsonPath("$.traffic.bytes").isEqualTo(15 * GB)
                .jsonPath("$.requests").isEqualTo(150);
    }

    @Test
    void answersTheMonthlyTrendOldestFirstWithEmptyMonths() {
        get("/api/usage/demo/trend?months=3").expectStatus().isOk().expectBody()
                .jsonPath("$.months.length()").isEqualTo(3)
                .jsonPath("$.months[0].month").isEqualTo("2026-09")
                .jsonPath("$.months[0].traffic.bytes").isEqualTo(0)
                .jsonPath("$.months[1].month").isEqualTo("2026-10")
                .jsonPath("$.months[1].traffic.bytes").isEqualTo(3 * GB)
                .jsonPath("$.months[1].storage.bytes").isEqualTo(500_000_000)
                .jsonPath("$.months[2].month").isEqualTo("2026-11")
                .jsonPath("$.months[2].traffic.gb").isEqualTo(15.0);
        get("/api/usage/demo/trend").expectStatus().isOk().expectBody().jsonPath("$.months.length()").isEqualTo(12);
    }

    @Test
    void forecastsTheMonthsEndOnTheKnownSeries() {
        // traffic: 15 GB in 15 of 30 days -> 30 GB; storage levels 1, 2, 3 GB on days 1..3 (last of each day) -> 30 GB
        get("/api/usage/demo/forecast").expectStatus().isOk().expectBody()
                .jsonPath("$.month").isEqualTo("2026-11")
                .jsonPath("$.traffic.current.bytes").isEqualTo(15 * GB)
                .jsonPath("$.traffic.projected.bytes").isEqualTo(30 * GB)
                .jsonPath("$.traffic.limit.bytes").isEqualTo(10 * GB)
                .jsonPath("$.traffic.projected_percent").isEqualTo(300.0)
                .jsonPath("$.traffic.exceeds_limit").isEqualTo(true)
                .jsonPath("$.storage.current.bytes").isEqualTo(3 * GB)
                .jsonPath("$.storage.projected.bytes").isEqualTo(30 * GB)
                .jsonPath("$.storage.method").value(method -> assertThat((String) method).contains("least squares"));
    }

    @Test
    void comparesTheTeamsProjectsWithTheirShares() {
        get("/api/usage/demo/projects/compare?month=2026-10").expectStatus().isOk().expectBody()
                .jsonPath("$.traffic.bytes").isEqualTo(3 * GB)
                .jsonPath("$.projects.length()").isEqualTo(2)
                .jsonPath("$.projects[0].project_id").isEqualTo("web")
                .jsonPath("$.projects[0].traffic_share_percent").isEqualTo(66.67)
                .jsonPath("$.projects[1].project_id").isEqualTo("api")
                .jsonPath("$.projects[1].traffic_share_percent").isEqualTo(33.33)
                .jsonPath("$.projects[1].storage_share_percent").isEqualTo(100.0);
    }

    @Test
    void exportsOneCsvRowPerProjectAndDay() {
        byte[] body = get("/api/usage/demo/export.csv?month=2026-10").expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(new MediaType("text", "csv"))
                .expectHeader().valueMatches("Content-Disposition", "attachment; filename=\"usage-demo-2026-10.csv\"")
                .expectBody().returnResult().getResponseBody();
        List<String> lines = Arrays.asList(new String(body).split("\r\n"));
        assertThat(lines.getFirst()).isEqualTo("day,project_id,traffic_bytes,request_bytes,response_bytes,requests,storage_bytes,storage_byte_seconds");
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(line -> line.split(",", -1)).toList();
        assertThat(rows).hasSize(31 * 2).allSatisfy(row -> assertThat(row).hasSize(8));
        assertThat(rows).extracting(row -> row[1]).containsOnly("web", "api");
        assertThat(rows.stream().mapToLong(row -> Long.parseLong(row[2])).sum()).isEqualTo(3 * GB);
        assertThat(rows).filteredOn(row -> row[0].equals("2026-10-31") && row[1].equals("api"))
                .singleElement().satisfies(row -> assertThat(row[5]).isEqualTo("10"));
    }

    @Test
    void rendersAPdfReportWhoseTextNamesTheTeamFiguresAndProjects() throws Exception {
        byte[] pdf = get("/api/usage/demo/report.pdf?month=2026-11").expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_PDF)
                .expectBody().returnResult().getResponseBody();
        try (PDDocument document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains("Servelink usage report", "Team: demo", "Month: 2026-11", "Traffic: 15 GB of 10 GB (150.00 %)",
                    "Storage: 3 GB of 1 GB", "web", "api", "2026-11-15", "1 GB = 1,000,000,000 bytes");
        }
    }

    @Test
    void refusesAnotherTeamsAnalytics() {
        for (String path : List.of("/daily", "/trend", "/forecast", "/projects/compare", "/export.csv", "/report.pdf")) {
            client.get().uri("/api/usage/globex" + path).header("Authorization", "Bearer " + TestTokens.forTeam("demo", TeamRole.OWNER))
                    .exchange().expectStatus().isForbidden().expectHeader().contentType("application/problem+json");
        }
    }

    @Test
    void answers400NamingTheParameter() {
        for (String months : List.of("0", "37", "twelve", "1.5")) {
            get("/api/usage/demo/trend?months=" + months).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("months");
        }
        for (String path : List.of("/daily", "/projects/compare", "/export.csv", "/report.pdf")) {
            get("/api/usage/demo" + path + "?month=2026-13").expectStatus().isBadRequest()
                    .expectHeader().contentType("application/problem+json")
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("month");
        }
    }

    private WebTestClient.ResponseSpec get(String uri) {
        return client.get().uri(uri).header("Authorization", "Bearer " + TestTokens.member("demo")).exchange();
    }
}
