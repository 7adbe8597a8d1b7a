package io.servelink.usage.inactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.activity.ProjectActivityEvent;
import io.servelink.contracts.events.activity.ProjectScaleDownRequested;
import io.servelink.contracts.events.activity.ProjectSleepState;
import io.servelink.contracts.events.activity.ProjectSlept;
import io.servelink.contracts.events.activity.ProjectWakeRequested;
import io.servelink.contracts.events.activity.ProjectWoken;
import io.servelink.contracts.events.activity.ProjectWoken.WokenBy;
import io.servelink.contracts.events.entitlements.EffectiveLimits;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestKafka;
import io.servelink.infra.test.TestTokens;
import io.servelink.starter.jobs.JobResult;
import io.servelink.starter.jobs.JobRunner;
import io.servelink.infra.test.TestClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Inactive Free projects fall asleep at the 02:00 job and wake once per sleep, whoever asks (visitors through any number
 * of gateways, the owner, a plan upgrade); long sleepers get one scale-down request per sleep. Real PostgreSQL and Kafka;
 * the service's clock is the test's. Every test has projects of its own: jobs see all of them, so assertions are per
 * project.
 */
@ServiceIT
@Import(TestClock.Configuration.class)
@TestPropertySource(properties = "servelink.jobs.enabled=false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SleepAndWakeIT {

    private static final Instant NOV_1 = Instant.parse("2026-11-01T02:00:00Z");

    @Autowired
    TestInfrastructure infrastructure;
    @Autowired
    TestClock clock;
    @Autowired
    JobRunner jobs;
    @LocalServerPort
    int port;

    TestKafka kafka;
    WebTestClient client;
    final EventCodec codec = new EventCodec();

    @BeforeAll
    void setUp() {
        kafka = TestKafka.of(infrastructure);
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    void tearDown() {
        kafka.close();
    }

    @Test
    void putsAQuietFreeProjectToSleepOnBothTopicsButNeverAProProjectNorABusyOrNewOne() throws Exception {
        proTeam("deep-pockets", 1);
        project("quiet", "thrifty", "2026-10-20T00:00:00Z", "2026-10-25T10:00:00Z");
        project("busy", "thrifty", "2026-10-01T00:00:00Z", "2026-10-31T23:00:00Z");
        project("fresh", "thrifty", "2026-10-29T00:00:00Z", null);
        project("paying", "deep-pockets", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
        execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at, registered_at) "
                + "VALUES ('held', 'thrifty', '{}', 'SUSPENDED', 0, 1, now(), TIMESTAMPTZ '2026-10-01T00:00:00Z')");
        clock.set(NOV_1);

        trigger("inactive-projects").expectStatus().isOk().expectBody().jsonPath("$.result.outcome").isEqualTo("completed");

        assertThat(states("quiet", 1)).singleElement().satisfies(state -> {
            assertThat(state.asleep()).isTrue();
            assertThat(state.version()).isEqualTo(1);
            assertThat(state.since()).isEqualTo(NOV_1);
            assertThat(state.teamSlug()).isEqualTo("thrifty");
        });
        assertThat(activity("quiet", 1)).singleElement().isEqualTo(
                new ProjectSlept("quiet", "thrifty", Instant.parse("2026-10-25T10:00:00Z"), NOV_1));
        assertThat(asleep("busy")).isFalse();
        assertThat(asleep("fresh")).isFalse();
        assertThat(asleep("paying")).isFalse();
        assertThat(asleep("held")).isFalse();
        assertThat(infrastructure.count("SELECT count(*) FROM audit_log WHERE action = 'project.slept' AND subject_id = 'quiet' "
                + "AND actor = 'job:inactive-projects' AND team_slug = 'thrifty'")).isOne();

        client.get().uri("/api/usage/thrifty?month=2026-11").header("Authorization", "Bearer " + TestTokens.member("thrifty"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.projects[?(@.project_id == 'quiet')].sleeping").isEqualTo(true)
                .jsonPath("$.projects[?(@.project_id == 'quiet')].sleeping_since").isEqualTo("2026-11-01T02:00:00Z")
                .jsonPath("$.projects[?(@.project_id == 'busy')].sleeping").isEqualTo(false);
        client.get().uri("/api/usage/thrifty/projects/quiet/sleep").header("Authorization", "Bearer " + TestTokens.member("thrifty"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.sleeping").isEqualTo(true)
                .jsonPath("$.since").isEqualTo("2026-11-01T02:00:00Z")
                .jsonPath("$.inactive_since").isEqualTo("2026-10-25T10:00:00Z");

        // 2026-11-03: 'fresh' (registered 2026-10-29, never any traffic) is quiet for 5 days now; 'paying' still never sleeps
        clock.set(NOV_1.plus(Duration.ofDays(2)));
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(states("fresh", 1)).singleElement().satisfies(state -> assertThat(state.asleep()).isTrue());
        assertThat(asleep("paying")).isFalse();
        assertThat(states("quiet", 1)).hasSize(1);
    }

    @Test
    void manyWakeRequestsFromTwoGatewaysWakeTheProjectExactlyOnce() throws Exception {
        project("crowded", "visited", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
        clock.set(NOV_1);
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("crowded")).isTrue();

        Instant wokenAt = NOV_1.plus(Duration.ofHours(9));
        clock.set(wokenAt);
        List<UUID> ids = new ArrayList<>();
        CompletableFuture<List<UUID>> gatewayA = CompletableFuture.supplyAsync(() -> requestWakes("crowded", "gateway-a", 30));
        CompletableFuture<List<UUID>> gatewayB = CompletableFuture.supplyAsync(() -> requestWakes("crowded", "gateway-b", 30));
        ids.addAll(gatewayA.join());
        ids.addAll(gatewayB.join());
        // a redelivered request (same event id) and a request for a project that never slept
        EventEnvelope<ProjectWakeRequested> again = kafka.publish(infrastructure.topics().projectWakeRequests(), "crowded",
                new ProjectWakeRequested("crowded", wokenAt, "gateway-a"));
        kafka.publish(infrastructure.topics().projectWakeRequests(), "crowded", again);
        ids.add(again.eventId());
        ids.add(kafka.publish(infrastructure.topics().projectWakeRequests(), "nobody", new ProjectWakeRequested("nobody", wokenAt, "gateway-b")).eventId());
        awaitProcessed(ids);

        assertThat(activity("crowded", 2)).containsExactly(
                new ProjectSlept("crowded", "visited", Instant.parse("2026-10-02T00:00:00Z"), NOV_1),
                new ProjectWoken("crowded", "visited", wokenAt, WokenBy.VISITOR));
        assertThat(states("crowded", 2)).extracting(ProjectSleepState::asleep, ProjectSleepState::version, ProjectSleepState::since)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, 1L, NOV_1), org.assertj.core.groups.Tuple.tuple(false, 2L, wokenAt));
        assertThat(infrastructure.count("SELECT count(*) FROM audit_log WHERE action = 'project.woken' AND subject_id = 'crowded' "
                + "AND actor = 'gateway' AND details->>'by' = 'visitor'")).isOne();

        // a request for the awake project changes nothing
        awaitProcessed(requestWakes("crowded", "gateway-b", 3));
        assertThat(activity("crowded", 2)).hasSize(2);
        assertThat(states("crowded", 2)).hasSize(2);

        // inactivity counts from the wake: quiet since 2026-11-01T11:00, so not asleep at 2026-11-06 02:00, asleep at 11-07
        clock.set(NOV_1.plus(Duration.ofDays(5)));
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("crowded")).isFalse();
        clock.set(NOV_1.plus(Duration.ofDays(6)));
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(activity("crowded", 3)).last().isEqualTo(new ProjectSlept("crowded", "visited", wokenAt, NOV_1.plus(Duration.ofDays(6))));
    }

    @Test
    void theOwnerOrAnAdminWakesASleepingProjectOnceAndAnAwakeOneIsAnsweredAsItIs() throws Exception {
        project("napping", "owners", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
        project("foreign", "strangers", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
        clock.set(NOV_1);
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("napping")).isTrue();
        Instant wokenAt = NOV_1.plus(Duration.ofHours(1));
        clock.set(wokenAt);

        wake("owners", "napping", TestTokens.member("owners")).expectStatus().isForbidden()
                .expectHeader().contentType("application/problem+json");
        wake("owners", "napping", TestTokens.owner("strangers")).expectStatus().isForbidden();
        wake("owners", "foreign", TestTokens.owner("owners")).expectStatus().isNotFound()
                .expectHeader().contentType("application/problem+json");
        assertThat(asleep("napping")).isTrue();
        assertThat(asleep("foreign")).isTrue();

        wake("owners", "napping", TestTokens.forTeam("owners", TeamRole.ADMIN)).expectStatus().isOk().expectBody()
                .jsonPath("$.project_id").isEqualTo("napping")
                .jsonPath("$.sleeping").isEqualTo(false)
                .jsonPath("$.since").isEqualTo("2026-11-01T03:00:00Z")
                .jsonPath("$.woken_by").isEqualTo("owner");
        clock.set(wokenAt.plus(Duration.ofMinutes(5)));
        wake("owners", "napping", TestTokens.owner("owners")).expectStatus().isOk().expectBody()
                .jsonPath("$.sleeping").isEqualTo(false)
                .jsonPath("$.since").isEqualTo("2026-11-01T03:00:00Z");

        assertThat(activity("napping", 2)).last().isEqualTo(new ProjectWoken("napping", "owners", wokenAt, WokenBy.OWNER));
        assertThat(states("napping", 2)).last().satisfies(state -> assertThat(state.asleep()).isFalse());
        assertThat(infrastructure.query("SELECT actor, remote_address FROM audit_log WHERE action = 'project.woken' AND subject_id = 'napping'"))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("actor", "user-admin-owners")
                        .hasEntrySatisfying("remote_address", address -> assertThat(address).isNotNull()));
    }

    @Test
    void aTeamBecomingProWakesItsSleepingProjects() throws Exception {
        project("upgrade-a", "upgraders", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
        project("upgrade-b", "upgraders", "2026-10-01T00:00:00Z", null);
        clock.set(NOV_1);
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("upgrade-a")).isTrue();
        assertThat(asleep("upgrade-b")).isTrue();
        Instant upgradedAt = NOV_1.plus(Duration.ofHours(3));
        clock.set(upgradedAt);

        proTeam("upgraders", 2);

        assertThat(activity("upgrade-a", 2)).last().isEqualTo(new ProjectWoken("upgrade-a", "upgraders", upgradedAt, WokenBy.PLAN));
        assertThat(activity("upgrade-b", 2)).last().isEqualTo(new ProjectWoken("upgrade-b", "upgraders", upgradedAt, WokenBy.PLAN));
        assertThat(asleep("upgrade-a")).isFalse();
        assertThat(infrastructure.count("SELECT count(*) FROM audit_log WHERE action = 'project.woken' AND team_slug = 'upgraders' "
                + "AND actor = 'resources-service' AND details->>'by' = 'plan'")).isEqualTo(2);

        // Pro now: quiet for weeks, still awake
        clock.set(NOV_1.plus(Duration.ofDays(30)));
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("upgrade-a")).isFalse();
    }

    @Test
    void theSleepJobWakesAProjectThatFellAsleepWhileItsTeamsUpgradeWasOnItsWay() throws Exception {
        project("crossed", "late-upgrade", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z");
        clock.set(NOV_1);
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("crossed")).isTrue();
        // the team's Pro snapshot reached team_limits, but not the consumer that wakes (as if it had lost the race)
        execute("INSERT INTO team_limits (team_slug, plan, traffic_bytes_per_month, storage_bytes, version, updated_at) "
                + "VALUES ('late-upgrade', 'pro', 100000000000, 10000000000, 7, now())");
        Instant nextNight = NOV_1.plus(Duration.ofDays(1));
        clock.set(nextNight);

        trigger("inactive-projects").expectStatus().isOk().expectBody().jsonPath("$.result.figures.projects_woken_by_plan").isEqualTo(1);

        assertThat(activity("crossed", 2)).last().isEqualTo(new ProjectWoken("crossed", "late-upgrade", nextNight, WokenBy.PLAN));
        assertThat(infrastructure.count("SELECT count(*) FROM audit_log WHERE action = 'project.woken' AND subject_id = 'crossed' "
                + "AND actor = 'job:inactive-projects'")).isOne();
    }

    @Test
    void requestsAScaleDownOncePerSleepForProjectsAsleepLongerThanConfigured() throws Exception {
        project("dormant", "sleepers", "2026-09-01T00:00:00Z", "2026-09-02T00:00:00Z");
        clock.set(NOV_1);
        trigger("inactive-projects").expectStatus().isOk();
        assertThat(asleep("dormant")).isTrue();

        clock.set(NOV_1.plus(Duration.ofDays(6)).plus(Duration.ofHours(1)));
        trigger("scale-down-requests").expectStatus().isOk();
        assertThat(scaleDownRequested("dormant")).isFalse();

        Instant firstRequest = NOV_1.plus(Duration.ofDays(7)).plus(Duration.ofHours(1));
        clock.set(firstRequest);
        trigger("scale-down-requests").expectStatus().isOk().expectBody().jsonPath("$.result.outcome").isEqualTo("completed");
        clock.set(NOV_1.plus(Duration.ofDays(8)).plus(Duration.ofHours(1)));
        trigger("scale-down-requests").expectStatus().isOk();
        client.get().uri("/api/usage/sleepers/projects/dormant/sleep").header("Authorization", "Bearer " + TestTokens.member("sleepers"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.scale_down_requested_at").isEqualTo("2026-11-08T03:00:00Z");

        // woken and asleep again: the new sleep gets its own request
        Instant wokenAt = NOV_1.plus(Duration.ofDays(9));
        clock.set(wokenAt);
        wake("sleepers", "dormant", TestTokens.owner("sleepers")).expectStatus().isOk();
        Instant secondSleep = wokenAt.plus(Duration.ofDays(5));
        clock.set(secondSleep);
        trigger("inactive-projects").expectStatus().isOk();
        clock.set(secondSleep.plus(Duration.ofDays(7)));
        trigger("scale-down-requests").expectStatus().isOk();

        assertThat(activity("dormant", 5)).filteredOn(ProjectScaleDownRequested.class::isInstance).containsExactly(
                new ProjectScaleDownRequested("dormant", "sleepers", NOV_1, firstRequest),
                new ProjectScaleDownRequested("dormant", "sleepers", secondSleep, secondSleep.plus(Duration.ofDays(7))));
        assertThat(infrastructure.count("SELECT count(*) FROM audit_log WHERE action = 'project.scale_down_requested' "
                + "AND subject_id = 'dormant' AND actor = 'job:scale-down-requests'")).isEqualTo(2);
    }

    @Test
    void overlappingRunsOfTheSleepJobPutEachProjectToSleepOnce() throws Exception {
        List<String> projects = IntStream.rangeClosed(1, 12).mapToObj(i -> "crowd-" + i).toList();
        for (String project : projects) {
            project(project, "crowd", "2026-10-01T00:00:00Z", "2026-10-03T00:00:00Z");
        }
        clock.set(NOV_1);

        // two replicas whose locks both let them run (a run that outlived lock-at-most-for): the rows decide
        var job = jobs.find("inactive-projects").orElseThrow();
        List<JobResult> results = Mono.zip(job.run().subscribeOn(Schedulers.boundedElastic()), job.run().subscribeOn(Schedulers.boundedElastic()))
                .map(both -> List.of(both.getT1(), both.getT2()))
                .block(Duration.ofSeconds(60));
        assertThat(results).allSatisfy(result -> assertThat(result.outcome()).isEqualTo("completed"));
        // and two operators at once through the lock
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> triggerStatus("inactive-projects"));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> triggerStatus("inactive-projects"));
        assertThat(List.of(first.join(), second.join())).allSatisfy(status -> assertThat(status).isIn(200, 409));

        for (String project : projects) {
            assertThat(states(project, 1)).as(project).singleElement().satisfies(state -> assertThat(state.version()).isEqualTo(1));
        }
        Map<String, Long> slept = activityOf(projects).stream().filter(ProjectSlept.class::isInstance)
                .collect(Collectors.groupingBy(ProjectActivityEvent::projectId, Collectors.counting()));
        assertThat(slept).hasSize(projects.size()).allSatisfy((project, count) -> assertThat(count).as(project).isOne());
        assertThat(infrastructure.count("SELECT count(*) FROM audit_log WHERE action = 'project.slept' AND team_slug = 'crowd'"))
                .isEqualTo(projects.size());
    }

    // --- helpers

    private void proTeam(String team, long version) throws Exception {
        kafka.publish(infrastructure.topics().entitlements(), team, new EntitlementsChanged(team, "pro",
                Instant.parse("2027-01-01T00:00:00Z"), version, new EffectiveLimits(100_000_000_000L, 10_000_000_000L, 2048, 2)));
        await().atMost(Duration.ofSeconds(20)).until(() -> infrastructure.count(
                "SELECT count(*) FROM team_limits WHERE team_slug = ? AND plan = 'pro' AND version >= ?", team, version) == 1);
    }

    private void project(String id, String team, String registeredAt, String lastTrafficAt) throws SQLException {
        execute("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at, registered_at) "
                + "VALUES ('" + id + "', '" + team + "', '{}', 'ACTIVE', 0, 1, now(), TIMESTAMPTZ '" + registeredAt + "')");
        if (lastTrafficAt != null) {
            execute("INSERT INTO project_activity (project_id, last_traffic_at) VALUES ('" + id + "', TIMESTAMPTZ '" + lastTrafficAt + "')");
        }
    }

    private List<UUID> requestWakes(String project, String gateway, int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(kafka.publish(infrastructure.topics().projectWakeRequests(), project,
                    new ProjectWakeRequested(project, clock.instant(), gateway)).eventId());
        }
        return ids;
    }

    private void awaitProcessed(List<UUID> ids) {
        String list = ids.stream().distinct().map(id -> "'" + id + "'").collect(Collectors.joining(","));
        long expected = ids.stream().distinct().count();
        await().atMost(Duration.ofSeconds(30)).until(() -> infrastructure.count("SELECT count(*) FROM processed_events "
                + "WHERE consumer = 'usage-service.wake-requests' AND event_id IN (" + list + ")") == expected);
    }

    /** The project's events on project-activity, once the outbox has sent everything and at least {@code atLeast} are there. */
    private List<ProjectActivityEvent> activity(String project, int atLeast) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> activityOf(List.of(project)), events -> events.size() >= atLeast);
    }

    private List<ProjectActivityEvent> activityOf(List<String> projects) throws SQLException {
        awaitOutboxSent();
        List<ProjectActivityEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(infrastructure.topics().projectActivity())) {
            ProjectActivityEvent event = codec.decode(record.value(), ProjectActivityEvent.class).payload();
            assertThat(record.key()).isEqualTo(event.projectId());
            if (projects.contains(event.projectId())) {
                events.add(event);
            }
        }
        return events;
    }

    /** The project's states on the compacted project-sleep topic, in the order published. */
    private List<ProjectSleepState> states(String project, int atLeast) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            awaitOutboxSent();
            List<ProjectSleepState> states = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : kafka.readAll(infrastructure.topics().projectSleep())) {
                if (project.equals(record.key())) {
                    states.add(codec.decode(record.value(), ProjectSleepState.class).payload());
                }
            }
            return states;
        }, states -> states.size() >= atLeast);
    }

    private void awaitOutboxSent() {
        await().atMost(Duration.ofSeconds(30)).until(() -> infrastructure.count("SELECT count(*) FROM event_outbox WHERE published_at IS NULL") == 0);
    }

    private boolean asleep(String project) throws SQLException {
        return infrastructure.count("SELECT count(*) FROM project_sleep WHERE project_id = ? AND asleep", project) == 1;
    }

    private boolean scaleDownRequested(String project) throws SQLException {
        return infrastructure.count("SELECT count(*) FROM project_sleep WHERE project_id = ? AND scale_down_requested_at IS NOT NULL", project) == 1;
    }

    private WebTestClient.ResponseSpec wake(String team, String project, String token) {
        return client.post().uri("/api/usage/{team}/projects/{project}/wake", team, project).header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", "203.0.113.9").exchange();
    }

    private WebTestClient.ResponseSpec trigger(String job) {
        return client.post().uri("/api/usage/admin/jobs/" + job).header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR))
                .exchange();
    }

    private int triggerStatus(String job) {
        return trigger(job).returnResult(String.class).getStatus().value();
    }

    private void execute(String sql) throws SQLException {
        try (var connection = infrastructure.openConnection()) {
            connection.createStatement().execute(sql);
        }
    }
}
