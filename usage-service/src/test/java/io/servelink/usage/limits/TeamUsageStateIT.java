package io.servelink.usage.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.entitlements.EffectiveLimits;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestKafka;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.TestClock;
import io.servelink.usage.UsageChanged;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * The team usage state on {@code servelink.team-usage-state.v1}, end to end on real Kafka and PostgreSQL: traffic events
 * and entitlements snapshots in, states out, within seconds; the month's turn; one version per state across concurrent
 * checks. The refresh interval is an hour here, so that a state published with new byte figures alone shows that the
 * interval passed (the test clock moves).
 */
@ServiceIT
@Import(TestClock.Configuration.class)
@TestPropertySource(properties = {"servelink.jobs.enabled=false", "servelink.usage.limits.check-window=100ms",
        "servelink.usage.limits.state-refresh-interval=1h"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamUsageStateIT {

    private static final Instant START = Instant.parse("2031-05-15T10:00:00Z");
    private static final YearMonth MAY = YearMonth.of(2031, 5);
    private static final long GB = 1_000_000_000L;

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    TestClock clock;
    @Autowired
    LimitCheck limitCheck;
    @Autowired
    TeamUsageStateJob stateJob;
    @LocalServerPort
    int port;

    TestKafka kafka;
    WebTestClient client;
    KafkaConsumer<String, byte[]> stateReader;
    final List<TeamUsageState> published = new ArrayList<>();
    final EventCodec codec = new EventCodec();

    @BeforeAll
    void setUp() throws SQLException {
        kafka = TestKafka.of(infrastructure);
        stateReader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafka().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        String topic = infrastructure.topics().teamUsageState();
        List<TopicPartition> partitions = stateReader.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        stateReader.assign(partitions);
        stateReader.seekToBeginning(partitions);
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
        execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at) VALUES "
                + "('freebie-web', 'freebie', '{}', 'ACTIVE', 0, 1, now()), ('freebie-api', 'freebie', '{}', 'ACTIVE', 0, 2, now()), "
                + "('spender-1', 'spender', '{}', 'ACTIVE', 0, 3, now()), ('monthly-1', 'monthly', '{}', 'ACTIVE', 0, 4, now()), "
                + "('racer-1', 'racer', '{}', 'ACTIVE', 0, 5, now())");
    }

    @BeforeEach
    void midMay() {
        clock.set(START);
    }

    @AfterAll
    void tearDown() {
        stateReader.close(Duration.ofSeconds(5));
        kafka.close();
    }

    @Test
    void aFreeTeamCrossingItsLimitIsPublishedBlockedWithinSecondsAndARaisedLimitUnblocksItWithinSeconds() throws SQLException {
        // no entitlements snapshot: the Free defaults, 10 GB a month, stop at 100 %
        traffic("freebie-web", 6 * GB);
        await().atMost(Duration.ofSeconds(20)).until(() -> scalar("SELECT coalesce(sum(traffic_bytes), 0) FROM project_usage "
                + "WHERE project_id = 'freebie-web'") == 6 * GB);
        List<TeamUsageState> before = states("freebie");
        assertThat(before).noneMatch(TeamUsageState::trafficBlocked);
        long versionBefore = before.isEmpty() ? 0 : before.getLast().version();

        traffic("freebie-api", 4_500_000_000L);
        TeamUsageState blocked = awaitState("freebie", TeamUsageState::trafficBlocked, Duration.ofSeconds(5));
        assertThat(blocked.period()).isEqualTo("2031-05");
        assertThat(blocked.plan()).isEqualTo("free");
        assertThat(blocked.trafficBytes()).isEqualTo(10_500_000_000L);
        assertThat(blocked.trafficLimitBytes()).isEqualTo(10 * GB);
        assertThat(blocked.storageOverLimit()).isFalse();
        assertThat(blocked.trafficPolicy()).isEqualTo(TrafficPolicy.STOP);
        assertThat(blocked.trafficStopPercent()).isEqualTo(100);
        assertThat(blocked.version()).isGreaterThan(versionBefore);
        assertThat(blocked.blocksTrafficIn(MAY)).isTrue();

        client.get().uri("/api/usage/freebie").header("Authorization", "Bearer " + TestTokens.member("freebie"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_state.policy").isEqualTo("stop")
                .jsonPath("$.traffic_state.stop_percent").isEqualTo(100)
                .jsonPath("$.traffic_state.blocked").isEqualTo(true)
                .jsonPath("$.traffic_state.overage.bytes").isEqualTo(500_000_000L);

        // a traffic add-on's worth more: the limit rises above the usage, the team is served again
        entitlements(new EntitlementsChanged("freebie", "free", null, 1, limits(20 * GB, GB)));
        TeamUsageState unblocked = awaitState("freebie", state -> state.trafficLimitBytes() == 20 * GB, Duration.ofSeconds(5));
        assertThat(unblocked.trafficBlocked()).isFalse();
        assertThat(unblocked.version()).isGreaterThan(blocked.version());
        client.get().uri("/api/usage/freebie").header("Authorization", "Bearer " + TestTokens.member("freebie"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_state.blocked").isEqualTo(false)
                .jsonPath("$.traffic_state.overage.bytes").isEqualTo(0);
    }

    @Test
    void aProTeamIsServedPastItsLimitUntilItsOwnersHardCapOf120PercentStopsIt() throws SQLException {
        entitlements(new EntitlementsChanged("spender", "pro", START.plus(Duration.ofDays(30)), 1, limits(GB, 10 * GB),
                TrafficPolicy.SOFT, null));
        awaitState("spender", state -> state.plan().equals("pro"), Duration.ofSeconds(20));

        traffic("spender-1", 1_150_000_000L);
        await().atMost(Duration.ofSeconds(20)).until(() -> scalar("SELECT coalesce(sum(traffic_bytes), 0) FROM project_usage "
                + "WHERE project_id = 'spender-1'") == 1_150_000_000L);
        clock.advance(Duration.ofMinutes(61)); // the byte figures alone are republished once the refresh interval passed
        runStateJob();
        TeamUsageState pastLimit = awaitState("spender", state -> state.trafficBytes() == 1_150_000_000L, Duration.ofSeconds(5));
        assertThat(pastLimit.trafficBlocked()).as("soft, no cap: 115 % is served").isFalse();
        assertThat(pastLimit.trafficStopPercent()).isNull();
        assertThat(pastLimit.trafficPolicy()).isEqualTo(TrafficPolicy.SOFT);
        client.get().uri("/api/usage/spender").header("Authorization", "Bearer " + TestTokens.member("spender"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_state.policy").isEqualTo("soft")
                .jsonPath("$.traffic_state.stop_percent").doesNotExist()
                .jsonPath("$.traffic_state.blocked").isEqualTo(false)
                .jsonPath("$.traffic_state.overage.bytes").isEqualTo(150_000_000L);

        entitlements(new EntitlementsChanged("spender", "pro", START.plus(Duration.ofDays(30)), 2, limits(GB, 10 * GB),
                TrafficPolicy.SOFT, 120));
        TeamUsageState capped = awaitState("spender", state -> Integer.valueOf(120).equals(state.trafficStopPercent()), Duration.ofSeconds(5));
        assertThat(capped.trafficBlocked()).as("115 % is below the cap").isFalse();

        traffic("spender-1", 50_000_000L);
        TeamUsageState stopped = awaitState("spender", TeamUsageState::trafficBlocked, Duration.ofSeconds(5));
        assertThat(stopped.trafficBytes()).isEqualTo(1_200_000_000L);
        assertThat(stopped.trafficStopPercent()).isEqualTo(120);
        assertThat(stopped.version()).isGreaterThan(capped.version());
        client.get().uri("/api/usage/spender").header("Authorization", "Bearer " + TestTokens.member("spender"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.traffic_state.hard_cap_percent").isEqualTo(120)
                .jsonPath("$.traffic_state.stop_percent").isEqualTo(120)
                .jsonPath("$.traffic_state.blocked").isEqualTo(true);
    }

    /** Last: once June's states are published, no check publishes May's again, as in production. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theFirstCheckOfANewMonthPublishesAnUnblockedStateForTheNewPeriod() {
        entitlements(new EntitlementsChanged("monthly", "free", null, 1, limits(GB, GB)));
        traffic("monthly-1", GB);
        TeamUsageState may = awaitState("monthly", TeamUsageState::trafficBlocked, Duration.ofSeconds(20));
        assertThat(may.period()).isEqualTo("2031-05");

        clock.set(Instant.parse("2031-06-01T00:00:30Z"));
        runStateJob();
        TeamUsageState june = awaitState("monthly", state -> state.period().equals("2031-06"), Duration.ofSeconds(5));
        assertThat(june.trafficBlocked()).isFalse();
        assertThat(june.trafficBytes()).isZero();
        assertThat(june.version()).isGreaterThan(may.version());
        assertThat(june.blocksTrafficIn(YearMonth.of(2031, 6))).isFalse();
        client.get().uri("/api/usage/monthly").header("Authorization", "Bearer " + TestTokens.member("monthly"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.month").isEqualTo("2031-06")
                .jsonPath("$.traffic_state.blocked").isEqualTo(false);
    }

    @Test
    void concurrentChecksOfTheSameDataPublishEachStateOnceUnderItsOwnVersion() throws SQLException {
        // written directly, not through the topics: no background check runs besides the ones below
        execute("INSERT INTO team_limits (team_slug, plan, traffic_bytes_per_month, storage_bytes, valid_until, version, updated_at, "
                + "traffic_policy) VALUES ('racer', 'free', 100, 1000, null, 1, '2031-05-15T09:00:00Z', 'stop')");
        execute("INSERT INTO project_usage (project_id, year, month, traffic_bytes, storage_bytes) VALUES ('racer-1', 2031, 5, 100, 10)");

        for (int round = 0; round < 3; round++) {
            Mono.zip(limitCheck.check(UsageChanged.ofTeam("racer")), limitCheck.check(UsageChanged.ofTeam("racer")), stateJob.run()).block();
        }
        execute("UPDATE project_usage SET storage_bytes = 1000 WHERE project_id = 'racer-1'");
        for (int round = 0; round < 3; round++) {
            Mono.zip(limitCheck.check(UsageChanged.ofTeam("racer")), limitCheck.check(UsageChanged.ofTeam("racer")), stateJob.run()).block();
        }

        assertThat(scalar("SELECT count(*) FROM event_outbox WHERE event_key = 'racer' AND topic = '"
                + infrastructure.topics().teamUsageState() + "'")).isEqualTo(2);
        List<TeamUsageState> published = await().atMost(Duration.ofSeconds(20)).until(() -> states("racer"), list -> list.size() >= 2);
        assertThat(published).extracting(TeamUsageState::version).containsExactly(1L, 2L);
        assertThat(published.getFirst().trafficBlocked()).isTrue();
        assertThat(published.getFirst().storageOverLimit()).isFalse();
        assertThat(published.getLast().trafficBlocked()).isTrue();
        assertThat(published.getLast().storageOverLimit()).as("storage at its limit").isTrue();
        assertThat(scalar("SELECT count(*) FROM usage_alerts WHERE team_slug = 'racer' AND scope = '' AND metric = 'STORAGE' "
                + "AND threshold_percent = 100")).isEqualTo(1);
    }

    // ---- helpers ----

    private static EffectiveLimits limits(long trafficBytes, long storageBytes) {
        return new EffectiveLimits(trafficBytes, storageBytes, 512, 1);
    }

    private void entitlements(EntitlementsChanged snapshot) {
        kafka.publish(infrastructure.topics().entitlements(), snapshot.teamSlug(), snapshot);
    }

    private void traffic(String project, long bytes) {
        Instant now = clock.instant();
        kafka.publish(infrastructure.topics().traffic(), project, new TrafficRecorded(project, now, now.plusSeconds(5), 0, bytes, 1));
    }

    private void runStateJob() {
        client.post().uri("/api/usage/admin/jobs/team-usage-state")
                .header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.ran").isEqualTo(true);
    }

    /** Every state published for the team so far, by version (reads what the topic gained since the last call). */
    private List<TeamUsageState> states(String team) {
        for (int emptyPolls = 0; emptyPolls < 2; ) {
            var records = stateReader.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
                emptyPolls++;
            }
            records.forEach(record -> published.add(codec.decode(record.value(), TeamUsageState.class).payload()));
        }
        return published.stream()
                .filter(state -> state.teamSlug().equals(team))
                .sorted(Comparator.comparingLong(TeamUsageState::version))
                .toList();
    }

    /** The team's latest state (highest version, as consumers keep it) once it matches, within {@code within}. */
    private TeamUsageState awaitState(String team, Predicate<TeamUsageState> matching, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<TeamUsageState> all = states(team);
            return all.isEmpty() ? null : all.getLast();
        }, state -> state != null && matching.test(state));
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
