package io.servelink.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.gateway.projects.ProjectsRegistry;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.security.EndpointMatrix;
import io.servelink.infra.test.security.EndpointMatrix.Row;
import io.servelink.infra.test.security.HostileInput;
import io.servelink.infra.test.security.SecretsProbe;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The gateway's own endpoints against hostile callers (its proxied routes are the services' business, each with its own
 * SecurityIT): the operator API, the end-to-end tests' token endpoint, the public actuator endpoints and the
 * dashboard's files. The local and test-tokens profiles run, as they map a superset of production's endpoints
 * ({@code /dev/token}; that it is a 404 elsewhere, the local profile included, is {@code ProjectIngressIT}'s and
 * {@code LocalProfileIT}'s). Rate limits stay on, with room for the test's bursts.
 */
@GatewayIT
@ActiveProfiles({"local", "test-tokens"})
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "servelink.gateway.rate-limits.per-address.requests-per-second=100000", "servelink.gateway.rate-limits.per-address.burst=100000",
        "servelink.gateway.rate-limits.per-team.requests-per-second=100000", "servelink.gateway.rate-limits.per-team.burst=100000"})
class SecurityIT {

    private static final String ADMIN_PROJECTS = "/api/admin/projects";
    /** Replaced by a freshly registered project just before a row is called. */
    private static final String FRESH_PROJECT = "{fresh_project}";
    private static final String ADMIN_TEAMS = "/api/admin/teams";
    /** Replaced by a freshly published team just before a row is called. */
    private static final String FRESH_TEAM = "{fresh_team}";
    private static final WireMockServer usageService = new WireMockServer(options().dynamicPort().gzipDisabled(true));
    private static final WireMockServer paymentService = new WireMockServer(options().dynamicPort().gzipDisabled(true));

    static {
        usageService.start();
        paymentService.start();
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    ProjectsRegistry registry;
    @Autowired
    GatewayIT.TestKafka kafka;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("servelink.gateway.services.usage", usageService::baseUrl);
        registry.add("servelink.gateway.services.payment", paymentService::baseUrl);
    }

    @AfterAll
    static void stopUsageService() {
        usageService.stop();
        paymentService.stop();
    }

    static List<Row> table() {
        return List.of(
                operator("GET /api/admin/projects"),
                operator("GET /api/admin/projects/{project_id}").path(ADMIN_PROJECTS + "/" + FRESH_PROJECT),
                operator("PUT /api/admin/projects/{project_id}").path(ADMIN_PROJECTS + "/matrix-put").body(project("matrix-put")),
                operator("DELETE /api/admin/projects/{project_id}").path(ADMIN_PROJECTS + "/" + FRESH_PROJECT),
                operator("GET /api/admin/teams"),
                operator("GET /api/admin/teams/{team_slug}").path(ADMIN_TEAMS + "/" + FRESH_TEAM),
                operator("PUT /api/admin/teams/{team_slug}").path(ADMIN_TEAMS + "/matrix-put").body(team()),
                operator("DELETE /api/admin/teams/{team_slug}").path(ADMIN_TEAMS + "/" + FRESH_TEAM),
                EndpointMatrix.publicRead("GET /dev/token").path("/dev/token?team=matrix-team&role=member"),
                // actuator: probes and the scraper's metrics are public; the index of endpoints needs a token
                EndpointMatrix.anyUser("GET /actuator"),
                EndpointMatrix.publicRead("GET /actuator/health"),
                EndpointMatrix.publicRead("GET /actuator/health/{*path}").path("/actuator/health/readiness"),
                EndpointMatrix.publicRead("GET /actuator/info"),
                // for the scraper inside the cluster (the Ingress passes only /api on the API host): its text names
                // exception classes as tag values
                EndpointMatrix.publicRead("GET /actuator/prometheus").namingInternalsByDesign(),
                // the dashboard: its page, scripts and chart library are public; any other static path needs a token
                EndpointMatrix.publicRead("GET /"),
                EndpointMatrix.publicRead("* /**").path("/index.html"),
                EndpointMatrix.publicRead("* /**").path("/app/main.js"),
                // the payment outcome page (the provider's return_url): the shell, for GET only (PaymentOutcomePageIT)
                EndpointMatrix.publicRead("GET /billing/payments/{payment_id}"),
                EndpointMatrix.anyUser("* /**").path("/application.yml"),
                EndpointMatrix.publicRead("* /webjars/**").path("/webjars/chart.js/4.5.1/dist/chart.umd.js"));
    }

    private static Row operator(String endpoint) {
        return EndpointMatrix.platform(endpoint, PlatformRole.OPERATOR);
    }

    @Test
    void everyEndpointHasARowInTheAuthorizationTable() {
        EndpointMatrix.assertCoversExactly(EndpointMatrix.allEndpoints(context), table());
    }

    @Test
    void everyCallerGetsTheExpectedStatusOnEveryEndpoint() {
        List<String> failures = EndpointMatrix.run(port, table(), row -> {
            if (row.path().contains(FRESH_PROJECT)) {
                return row.path(row.path().replace(FRESH_PROJECT, registered("matrix-" + UUID.randomUUID().toString().substring(0, 8))));
            }
            if (row.path().contains(FRESH_TEAM)) {
                return row.path(row.path().replace(FRESH_TEAM, published("matrix-" + UUID.randomUUID().toString().substring(0, 8))));
            }
            return row;
        });
        assertThat(failures).isEmpty();
    }

    @Test
    void callersWhoMayNotActGetTheirRefusalWhateverTheBody() {
        assertThat(EndpointMatrix.runRefusedWithMalformedBodies(port, table(), row -> row)).isEmpty();
    }

    @Test
    void hostileInputOnTheOperatorApiNeverAnswers5xxNorLeaksNorChangesTheProjectsOrTeamsWhenRefused() {
        registered("matrix-kept");
        published("matrix-kept-team");
        List<Row> rows = table().stream().filter(row -> row.pattern().startsWith(ADMIN_PROJECTS) || row.pattern().startsWith(ADMIN_TEAMS)
                        || row.pattern().equals("/dev/token"))
                .toList();
        try (KafkaConsumer<byte[], byte[]> offsets = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<String> failures = new HostileInput(20261124L).run(port, rows, List.of(OPERATOR), 20, projectsState(offsets));
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void thePaymentProvidersWebhooksReachPaymentServiceWithoutATokenAndWithTheirSignature() {
        paymentService.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/api/(payments/callback|webhooks/.*)"))
                .willReturn(aResponse().withStatus(200)));
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        for (String path : List.of("/api/payments/callback", "/api/webhooks/fedapay", "/api/webhooks/stripe")) {
            client.post().uri(path).header("Stripe-Signature", "t=1,v1=ab").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"id\":\"evt_1\"}").exchange().expectStatus().isOk();
            paymentService.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                            com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(path))
                    .withHeader("Stripe-Signature", com.github.tomakehurst.wiremock.client.WireMock.equalTo("t=1,v1=ab"))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalTo("{\"id\":\"evt_1\"}")));
        }
    }

    @Test
    void refusesAnOversizedBodyEarlyWithAProblem() {
        String huge = "{\"team_slug\": \"demo\", \"hosts\": [\"" + "x".repeat(2 * 1024 * 1024) + "\"]}";
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "PUT", ADMIN_PROJECTS + "/huge",
                TestTokens.platform(PlatformRole.OPERATOR), huge);
        assertThat(response.statusCode()).isIn(400, 413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(EndpointMatrix.Http.leaks(response.body())).isNull();
        assertThat(registry.byId("huge")).isEmpty();
    }

    @Test
    void secretsNeverAppearInLogsOrAnswers(CapturedOutput output) {
        usageService.stubFor(any(urlPathMatching("/api/usage/.*")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json").withBody("{\"status\": 400, \"title\": \"Invalid request\"}")));
        String operator = TestTokens.platform(PlatformRole.OPERATOR);
        SecretsProbe.of(port, EndpointMatrix.TEAM)
                .badTokens("GET", ADMIN_PROJECTS, null)
                .badTokens("PUT", ADMIN_PROJECTS + "/probe", project("probe"))
                // checked here, before any service: a proxied API path and a public one
                .badTokens("GET", "/api/usage/" + EndpointMatrix.TEAM, null)
                .badTokens("GET", "/dev/token", null)
                .badRequest("PUT", ADMIN_PROJECTS + "/probe", operator, "{\"hosts\": ")
                .badRequest("PUT", ADMIN_PROJECTS + "/Bad_Id", operator, project("bad"))
                .badTokens("PUT", ADMIN_TEAMS + "/probe", team())
                .badRequest("PUT", ADMIN_TEAMS + "/probe", operator, "{\"members\": ")
                .badRequest("GET", "/dev/token?team=Bad_Team", operator, null)
                // relayed to usage-service, which refuses it
                .badRequest("GET", "/api/usage/" + EndpointMatrix.TEAM + "?month=13", TestTokens.member(EndpointMatrix.TEAM), null)
                .assertNothingLeaked(output);
    }

    /**
     * The projects as this gateway serves them and the projects topic's end offsets: a refused request must neither
     * change the registry nor write to the topic (a change would reach the registry only later).
     */
    private Supplier<String> projectsState(KafkaConsumer<byte[], byte[]> offsets) {
        String topic = kafka.topics().projects();
        return () -> {
            List<TopicPartition> partitions = offsets.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            Map<TopicPartition, Long> ends = offsets.endOffsets(partitions);
            return registry.all() + " end offsets " + partitions.stream().map(ends::get).toList()
                    + " teams end offsets " + endOffsets(offsets, kafka.topics().teams());
        };
    }

    private static List<Long> endOffsets(KafkaConsumer<byte[], byte[]> offsets, String topic) {
        List<TopicPartition> partitions = offsets.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        Map<TopicPartition, Long> ends = offsets.endOffsets(partitions);
        return partitions.stream().map(ends::get).toList();
    }

    /** Publishes a team through the operator API and waits until this gateway reads it back. */
    private String published(String teamSlug) {
        String operator = TestTokens.platform(PlatformRole.OPERATOR);
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "PUT", ADMIN_TEAMS + "/" + teamSlug, operator, team());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> EndpointMatrix.Http.send(port, "GET", ADMIN_TEAMS + "/" + teamSlug, operator, null).statusCode() == 200);
        return teamSlug;
    }

    private static String team() {
        return """
                {"name": "Matrix", "members": [{"email": "owner@matrix.example", "role": "owner", "language": "fr"}]}""";
    }

    /** Registers a project through the operator API and waits until this gateway's registry has it. */
    private String registered(String projectId) {
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "PUT", ADMIN_PROJECTS + "/" + projectId,
                TestTokens.platform(PlatformRole.OPERATOR), project(projectId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.byId(projectId).isPresent());
        return projectId;
    }

    private static String project(String projectId) {
        return """
                {"team_slug": "matrix-team", "hosts": ["%s.apps.localhost"], "upstream_uri": "http://127.0.0.1:9"}""".formatted(projectId);
    }
}
