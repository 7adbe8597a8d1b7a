package io.servelink.usage.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestClock;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import io.servelink.usage.UsageChanged;
import io.servelink.usage.limits.LimitCheck;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * The storage job against complete, partial and failing snapshots (a scripted probe: the real probes have their own
 * tests), then what November 2030 and the start of December mean in the API, the CSV and the PDF. The sequence, team
 * {@code vaults} (projects {@code vault}, {@code cache}, {@code spare}), GB = 10^9 bytes:
 * <pre>
 * 2030-10-20 04:00  vault 2 GB                 (October: carried into November's start)
 * 2030-11-03 04:00  complete  vault 4, cache 1, spare not found (0)
 * 2030-11-06 04:00  partial   vault 6; cache and spare not measured: stale since 11-06
 * 2030-11-10 04:00  failed    nothing measured: every project stale (vault since 11-10)
 * 2030-11-20 04:00  complete  vault 3, cache 1.5, spare 0: nothing stale
 * 2030-12-01 04:00  partial   vault 3; cache stale, its 1.5 GB carried into December
 * </pre>
 * November by hand (30 days = 2,592,000 s): vault holds 2 GB for 2 d 4 h (187,200 s), 4 GB for 3 d (259,200 s), 6 GB for
 * 14 d (1,209,600 s), 3 GB for 10 d 20 h (936,000 s): 11,476.8 x 10^12 byte-seconds = 132.833333 GB-days (/ 86.4 x 10^12),
 * average 4,427,777,778 bytes, peak 6 GB. cache holds 0 until 11-03 04:00, 1 GB for 17 d (1,468,800 s, stale or not),
 * 1.5 GB for 936,000 s: 2,872.8 x 10^12 = 33.25 GB-days, peak 1.5 GB. The team: 166.083333 GB-days, and its peak is the
 * highest sum at one time, 6 + 1 = 7 GB from 11-06 to 11-20 (not 6 + 1.5, the sum of the peaks).
 */
@ServiceIT
@Import({TestClock.Configuration.class, StorageMeasurementIT.Scripted.class})
@TestPropertySource(properties = "servelink.jobs.enabled=false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageMeasurementIT {

    private static final long GB = 1_000_000_000L;

    /** The probe each test scripts: its next answer. */
    static final class ScriptedProbe implements StorageProbe {

        final AtomicReference<Supplier<Mono<StorageSnapshot>>> next = new AtomicReference<>(() -> Mono.error(new IllegalStateException("unscripted")));

        @Override
        public String source() {
            return "scripted";
        }

        @Override
        public Mono<StorageSnapshot> measure() {
            return next.get().get();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Scripted {

        @Bean
        @Primary
        ScriptedProbe scriptedProbe() {
            return new ScriptedProbe();
        }
    }

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    TestClock clock;
    @Autowired
    ScriptedProbe probe;
    @Autowired
    MeterRegistry meters;
    @Autowired
    LimitCheck limitCheck;
    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeAll
    void seed() throws SQLException {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build();
        execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) VALUES "
                + "('vault', 'vaults', '{}', 'ACTIVE', 0, 1, now()), ('cache', 'vaults', '{}', 'ACTIVE', 0, 2, now()), "
                + "('spare', 'vaults', '{}', 'ACTIVE', 0, 3, now())");
        execute("INSERT INTO storage_measurements (project_id, measured_at, volume_bytes, image_bytes, container_bytes, total_bytes, source) "
                + "VALUES ('vault', TIMESTAMPTZ '2030-10-20 04:00:00+00', " + 2 * GB + ", 0, 0, " + 2 * GB + ", 'scripted')");
    }

    @Test
    @Order(1)
    void aCompleteSnapshotMeasuresTheProjectsFoundAndZeroForTheLiveOnesItDidNotFind() throws Exception {
        run("2030-11-03T04:00:00Z", complete(Map.of("vault", 4 * GB, "cache", GB)))
                .jsonPath("$.result.outcome").isEqualTo("completed")
                .jsonPath("$.result.figures.projects_found").isEqualTo(2)
                .jsonPath("$.result.figures.projects_measured").isEqualTo(3)
                .jsonPath("$.result.figures.projects_stale").isEqualTo(0)
                .jsonPath("$.result.figures.places_failed").isEqualTo(0);

        assertThat(month("vault", 2030, 11)).isEqualTo(new MonthRow(4 * GB, "2030-11-03T04:00:00Z", null));
        assertThat(month("spare", 2030, 11)).isEqualTo(new MonthRow(0, "2030-11-03T04:00:00Z", null));
        assertThat(scalar("SELECT count(*) FROM storage_measurements WHERE project_id = 'spare'")).isOne();
        assertThat(gauge("measured")).isEqualTo(3);
        assertThat(gauge("stale")).isZero();
    }

    @Test
    @Order(2)
    void aPartialSnapshotKeepsTheLastFigureOfTheProjectsItDidNotFindAndMarksThemStale() throws Exception {
        double partialRuns = runs("partial");
        run("2030-11-06T04:00:00Z", new StorageSnapshot(Map.of("vault", storage(6 * GB)), false, List.of("node-b: connection refused")))
                .jsonPath("$.result.outcome").isEqualTo("degraded")
                .jsonPath("$.result.detail").value(detail -> assertThat((String) detail).contains("node-b: connection refused"))
                .jsonPath("$.result.figures.projects_measured").isEqualTo(1)
                .jsonPath("$.result.figures.projects_stale").isEqualTo(2)
                .jsonPath("$.result.figures.places_failed").isEqualTo(1);

        assertThat(month("vault", 2030, 11)).isEqualTo(new MonthRow(6 * GB, "2030-11-06T04:00:00Z", null));
        assertThat(month("cache", 2030, 11)).as("kept, not 0").isEqualTo(new MonthRow(GB, "2030-11-03T04:00:00Z", "2030-11-06T04:00:00Z"));
        assertThat(month("spare", 2030, 11)).isEqualTo(new MonthRow(0, "2030-11-03T04:00:00Z", "2030-11-06T04:00:00Z"));
        assertThat(scalar("SELECT count(*) FROM storage_measurements WHERE project_id = 'cache'")).as("no 0 written").isOne();
        assertThat(gauge("measured")).isEqualTo(1);
        assertThat(gauge("stale")).isEqualTo(2);
        assertThat(runs("partial")).isEqualTo(partialRuns + 1);
    }

    @Test
    @Order(3)
    void aFailedProbeWritesNoFigureAndMarksEveryLiveProjectStaleKeepingTheFirstStaleTime() throws Exception {
        long measurements = scalar("SELECT count(*) FROM storage_measurements");
        double failedRuns = runs("failed");
        run("2030-11-10T04:00:00Z", () -> Mono.error(new IllegalStateException("engine unreachable")))
                .jsonPath("$.result.outcome").isEqualTo("degraded")
                .jsonPath("$.result.detail").value(detail -> assertThat((String) detail).contains("engine unreachable"))
                .jsonPath("$.result.figures.projects_measured").isEqualTo(0)
                .jsonPath("$.result.figures.projects_stale").isEqualTo(3)
                .jsonPath("$.result.figures.places_failed").isEqualTo(1);

        assertThat(scalar("SELECT count(*) FROM storage_measurements")).isEqualTo(measurements);
        assertThat(month("vault", 2030, 11)).isEqualTo(new MonthRow(6 * GB, "2030-11-06T04:00:00Z", "2030-11-10T04:00:00Z"));
        assertThat(month("cache", 2030, 11)).isEqualTo(new MonthRow(GB, "2030-11-03T04:00:00Z", "2030-11-06T04:00:00Z"));
        assertThat(gauge("measured")).isZero();
        assertThat(gauge("stale")).isEqualTo(3);
        assertThat(runs("failed")).isEqualTo(failedRuns + 1);
    }

    @Test
    @Order(4)
    void theApiSaysWhichFiguresAreStaleAndSinceWhen() {
        usage("/api/usage/vaults")
                .jsonPath("$.storage.bytes").isEqualTo(7 * GB)
                .jsonPath("$.storage_month.latest.bytes").isEqualTo(7 * GB)
                .jsonPath("$.storage_month.stale").isEqualTo(true)
                .jsonPath("$.storage_month.stale_since").isEqualTo("2030-11-06T04:00:00Z")
                .jsonPath("$.storage_month.measured_at").isEqualTo("2030-11-03T04:00:00Z")
                .jsonPath("$.projects[0].project_id").isEqualTo("cache")
                .jsonPath("$.projects[0].storage.bytes").isEqualTo(GB)
                .jsonPath("$.projects[0].storage_month.stale").isEqualTo(true)
                .jsonPath("$.projects[0].storage_month.stale_since").isEqualTo("2030-11-06T04:00:00Z")
                .jsonPath("$.projects[0].storage_month.measured_at").isEqualTo("2030-11-03T04:00:00Z")
                .jsonPath("$.projects[2].project_id").isEqualTo("vault")
                .jsonPath("$.projects[2].storage_month.stale_since").isEqualTo("2030-11-10T04:00:00Z")
                .jsonPath("$.projects[2].storage_month.measured_at").isEqualTo("2030-11-06T04:00:00Z");
        usage("/api/usage/vaults/projects/cache")
                .jsonPath("$.usage.storage_month.stale").isEqualTo(true)
                .jsonPath("$.usage.storage_month.stale_since").isEqualTo("2030-11-06T04:00:00Z");
    }

    @Test
    @Order(5)
    void aCompleteSnapshotClearsTheStaleMarks() throws Exception {
        run("2030-11-20T04:00:00Z", complete(Map.of("vault", 3 * GB, "cache", 1_500_000_000L)))
                .jsonPath("$.result.outcome").isEqualTo("completed")
                .jsonPath("$.result.figures.projects_measured").isEqualTo(3)
                .jsonPath("$.result.figures.projects_stale").isEqualTo(0);

        assertThat(month("cache", 2030, 11)).isEqualTo(new MonthRow(1_500_000_000L, "2030-11-20T04:00:00Z", null));
        assertThat(scalar("SELECT count(*) FROM project_storage_status WHERE stale_since IS NOT NULL")).isZero();
    }

    @Test
    @Order(6)
    void aProjectStaleAtTheMonthsFirstRunCarriesItsLastFigureIntoTheNewMonth() throws Exception {
        run("2030-12-01T04:00:00Z", new StorageSnapshot(Map.of("vault", storage(3 * GB), "spare", storage(0)), false, List.of("node-b: timeout")))
                .jsonPath("$.result.figures.projects_stale").isEqualTo(1);

        assertThat(month("cache", 2030, 12)).isEqualTo(new MonthRow(1_500_000_000L, "2030-11-20T04:00:00Z", "2030-12-01T04:00:00Z"));
        // 1.5 GB held for the 4 hours of December so far: 1.5 x 10^9 x 14,400 s = 0.25 GB-days
        usage("/api/usage/vaults/projects/cache?month=2030-12")
                .jsonPath("$.usage.storage_month.latest.bytes").isEqualTo(1_500_000_000L)
                .jsonPath("$.usage.storage_month.byte_seconds").isEqualTo(21_600_000_000_000L)
                .jsonPath("$.usage.storage_month.gb_days").isEqualTo(0.25)
                .jsonPath("$.usage.storage_month.stale_since").isEqualTo("2030-12-01T04:00:00Z");
    }

    @Test
    @Order(7)
    void theMonthsLatestPeakAndGbDaysFollowEachMeasurementUntilTheNext() {
        usage("/api/usage/vaults?month=2030-11")
                .jsonPath("$.storage_month.latest.bytes").isEqualTo(4_500_000_000L)
                .jsonPath("$.storage_month.peak.bytes").isEqualTo(7 * GB)
                .jsonPath("$.storage_month.byte_seconds").isEqualTo(14_349_600_000_000_000L)
                .jsonPath("$.storage_month.gb_days").isEqualTo(166.083333)
                .jsonPath("$.storage_month.average.bytes").isEqualTo(5_536_111_111L)
                .jsonPath("$.storage_month.stale").isEqualTo(false)
                .jsonPath("$.projects[0].project_id").isEqualTo("cache")
                .jsonPath("$.projects[0].storage_month.peak.bytes").isEqualTo(1_500_000_000L)
                .jsonPath("$.projects[0].storage_month.byte_seconds").isEqualTo(2_872_800_000_000_000L)
                .jsonPath("$.projects[0].storage_month.gb_days").isEqualTo(33.25)
                .jsonPath("$.projects[2].project_id").isEqualTo("vault")
                .jsonPath("$.projects[2].storage_month.latest.bytes").isEqualTo(3 * GB)
                .jsonPath("$.projects[2].storage_month.peak.bytes").isEqualTo(6 * GB)
                .jsonPath("$.projects[2].storage_month.byte_seconds").isEqualTo(11_476_800_000_000_000L)
                .jsonPath("$.projects[2].storage_month.gb_days").isEqualTo(132.833333)
                .jsonPath("$.projects[2].storage_month.average.bytes").isEqualTo(4_427_777_778L)
                .jsonPath("$.projects[2].storage_month.measured_at").isEqualTo("2030-11-20T04:00:00Z");
    }

    @Test
    @Order(8)
    void theCsvCarriesEachDaysLevelAndByteSecondsThatSumToTheMonth() {
        byte[] body = client.get().uri("/api/usage/vaults/export.csv?month=2030-11").header("Authorization", "Bearer " + TestTokens.member("vaults"))
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        List<String> lines = Arrays.asList(new String(body).split("\r\n"));
        assertThat(lines.getFirst()).endsWith(",storage_bytes,storage_byte_seconds");
        List<String[]> vault = lines.subList(1, lines.size()).stream().map(line -> line.split(",", -1))
                .filter(row -> row[1].equals("vault")).toList();
        assertThat(vault).hasSize(30);
        // 11-03: 2 GB for 4 h, then 4 GB for 20 h
        assertThat(vault.get(2)).containsSequence("2030-11-03", "vault").endsWith("4000000000", "316800000000000");
        assertThat(vault.stream().mapToLong(row -> Long.parseLong(row[7])).sum()).isEqualTo(11_476_800_000_000_000L);
        assertThat(vault.getLast()).endsWith("3000000000", String.valueOf(3 * GB * 86_400));
    }

    @Test
    @Order(9)
    void thePdfReportShowsTheMonthsStorageAndTheStaleMarker() throws Exception {
        assertThat(pdf("2030-11")).contains("peak 7 GB, average 5.536111 GB, 166.083333 GB-days", "132.833333", "33.25");
        assertThat(pdf("2030-12")).contains("STALE since 2030-12-01 04:00Z", "latest STALE since 2030-12-01 04:00Z (last measured 2030-11-20 04:00Z)");
    }

    @Test
    @Order(10)
    void limitsCountTheLatestMeasurementInTheHoursOfAMonthBeforeItsFirstRun() throws Exception {
        clock.set(Instant.parse("2031-01-01T01:00:00Z"));

        limitCheck.check(UsageChanged.ofTeam("vaults")).block(Duration.ofSeconds(30));

        // vault 3 GB and cache 1.5 GB (stale, carried) as last measured in December: over the Free plan's 1 GB
        assertThat(scalar("SELECT storage_bytes FROM team_usage_state WHERE team_slug = 'vaults'")).isEqualTo(4_500_000_000L);
        assertThat(scalar("SELECT count(*) FROM team_usage_state WHERE team_slug = 'vaults' AND storage_over_limit")).isOne();
    }

    private String pdf(String month) throws Exception {
        byte[] pdf = client.get().uri("/api/usage/vaults/report.pdf?month=" + month).header("Authorization", "Bearer " + TestTokens.member("vaults"))
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(document);
        }
    }

    private WebTestClient.BodyContentSpec usage(String uri) {
        return client.get().uri(uri).header("Authorization", "Bearer " + TestTokens.member("vaults"))
                .exchange().expectStatus().isOk().expectBody();
    }

    private WebTestClient.BodyContentSpec run(String at, StorageSnapshot answer) {
        return run(at, () -> Mono.just(answer));
    }

    private WebTestClient.BodyContentSpec run(String at, Supplier<Mono<StorageSnapshot>> answer) {
        clock.set(Instant.parse(at));
        probe.next.set(answer);
        return client.post().uri("/api/usage/admin/jobs/storage-measurement")
                .header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.ran").isEqualTo(true);
    }

    private static StorageSnapshot complete(Map<String, Long> totals) {
        return StorageSnapshot.complete(totals.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, entry -> storage(entry.getValue()))));
    }

    private static ProjectStorage storage(long total) {
        return new ProjectStorage(total, 0, 0);
    }

    private double gauge(String state) {
        return meters.get("servelink.usage.storage.projects").tag("state", state).gauge().value();
    }

    private double runs(String outcome) {
        return meters.get("servelink.usage.storage.runs").tag("outcome", outcome).counter().count();
    }

    record MonthRow(long storageBytes, String measuredAt, String staleSince) {
    }

    private MonthRow month(String project, int year, int month) throws SQLException {
        try (Connection c = infrastructure.openConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT storage_bytes, storage_measured_at, storage_stale_since FROM project_usage WHERE project_id = '" + project
                        + "' AND year = " + year + " AND month = " + month)) {
            assertThat(rs.next()).as("a row for %s in %d-%d", project, year, month).isTrue();
            return new MonthRow(rs.getLong(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)));
        }
    }

    private static String instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant().toString();
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
