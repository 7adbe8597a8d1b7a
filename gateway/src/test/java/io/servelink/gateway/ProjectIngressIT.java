package io.servelink.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.Options;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.gateway.GatewayClient.Reply;
import io.servelink.gateway.TrafficTopic.Totals;
import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The gateway against a real broker, with WireMock as projects' upstreams and as usage-service: project ingress
 * by Host, exact byte counts of every kind of transfer read back from the traffic topic, routes following the
 * projects topic, and the token rules of the API.
 */
@GatewayIT
class ProjectIngressIT {

    private static final int MIB = 1024 * 1024;
    private static final WireMockServer upstream = wireMock(Options.ChunkedEncodingPolicy.NEVER);
    /** Answers without Content-Length, in chunks. */
    private static final WireMockServer chunkingUpstream = wireMock(Options.ChunkedEncodingPolicy.ALWAYS);
    private static final WireMockServer otherUpstream = wireMock(Options.ChunkedEncodingPolicy.NEVER);
    private static final WireMockServer usageService = wireMock(Options.ChunkedEncodingPolicy.NEVER);
    private static final WireMockServer paymentService = wireMock(Options.ChunkedEncodingPolicy.NEVER);
    private static final String OPERATOR = TestTokens.platform(PlatformRole.OPERATOR);

    @LocalServerPort
    int port;
    @Autowired
    GatewayIT.TestKafka kafka;
    @Autowired
    MeterRegistry meters;

    private static TrafficTopic traffic;

    private static WireMockServer wireMock(Options.ChunkedEncodingPolicy chunking) {
        WireMockServer server = new WireMockServer(options().dynamicPort().gzipDisabled(true).useChunkedTransferEncoding(chunking));
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("servelink.gateway.services.usage", usageService::baseUrl);
        registry.add("servelink.gateway.services.payment", paymentService::baseUrl);
        registry.add("servelink.gateway.ingress.upstream-read-timeout", () -> "2s");
    }

    @BeforeAll
    static void openTrafficTopic(@Autowired GatewayIT.TestKafka kafka) {
        traffic = new TrafficTopic(kafka);
    }

    @AfterAll
    static void stopPeers() {
        traffic.close();
        upstream.stop();
        otherUpstream.stop();
        chunkingUpstream.stop();
        usageService.stop();
        paymentService.stop();
    }

    // ---- byte counting -------------------------------------------------------------------------------------

    @Test
    void countsOnlyResponseBytesOfAnEmptyBodyGet() {
        String host = register("empty-get", upstream);
        upstream.stubFor(get("/empty-get").willReturn(aResponse().withBody("hello world")));

        Reply reply = client().get(host, "/empty-get");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.bodyBytes()).isEqualTo(11);
        awaitTotals("empty-get", new Totals(0, 11, 1));
    }

    @Test
    void countsSmallPostBodiesExactly() {
        String host = register("small-post", upstream);
        upstream.stubFor(post("/small-post").willReturn(aResponse().withStatus(201).withBody(bytes(200))));

        Reply reply = client().send(HttpMethod.POST, host, "/small-post", null, body(bytes(1000)), 1000L);

        assertThat(reply.status()).isEqualTo(201);
        awaitTotals("small-post", new Totals(1000, 200, 1));
    }

    @Test
    void countsATenMegabyteUploadAsItStreamsToTheUpstream() {
        String host = register("big-upload", upstream);
        upstream.stubFor(post("/upload").willReturn(aResponse().withStatus(204)));

        Reply reply = client().send(HttpMethod.POST, host, "/upload", null, body(bytes(10 * MIB)), (long) 10 * MIB);

        assertThat(reply.status()).isEqualTo(204);
        upstream.verify(postRequestedFor(urlEqualTo("/upload")).withHeader(HttpHeaders.CONTENT_LENGTH, equalTo(String.valueOf(10 * MIB))));
        awaitTotals("big-upload", new Totals(10 * MIB, 0, 1));
    }

    @Test
    void countsATenMegabyteDownload() {
        String host = register("big-download", upstream);
        upstream.stubFor(get("/download").willReturn(aResponse().withBody(bytes(10 * MIB))));

        Reply reply = client().get(host, "/download");

        assertThat(reply.bodyBytes()).isEqualTo(10 * MIB);
        awaitTotals("big-download", new Totals(0, 10 * MIB, 1));
    }

    @Test
    void countsChunkedRequestAndResponseThatCarryNoContentLength() {
        String host = register("chunked", chunkingUpstream);
        chunkingUpstream.stubFor(post("/chunked").willReturn(aResponse().withBody(bytes(5000)).withChunkedDribbleDelay(5, 100)));
        Flux<DataBuffer> chunks = Flux.range(0, 3).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(bytes(1000)));

        Reply reply = client().send(HttpMethod.POST, host, "/chunked", null, chunks, null);

        assertThat(reply.headers().getFirst(HttpHeaders.TRANSFER_ENCODING)).isEqualTo("chunked");
        assertThat(reply.headers().getContentLength()).isEqualTo(-1);
        assertThat(reply.bodyBytes()).isEqualTo(5000);
        chunkingUpstream.verify(postRequestedFor(urlEqualTo("/chunked")).withHeader(HttpHeaders.TRANSFER_ENCODING, equalTo("chunked")));
        awaitTotals("chunked", new Totals(3000, 5000, 1));
    }

    @Test
    void countsNoBodyBytesForHeadThoughTheResponseDeclaresALength() {
        String host = register("head", upstream);
        upstream.stubFor(head(urlEqualTo("/head")).willReturn(aResponse().withHeader(HttpHeaders.CONTENT_LENGTH, "4096")));

        Reply reply = client().send(HttpMethod.HEAD, host, "/head", null, null, null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().getContentLength()).isEqualTo(4096);
        assertThat(reply.bodyBytes()).isZero();
        awaitTotals("head", new Totals(0, 0, 1));
    }

    @Test
    void countsOnlyWhatCrossedWhenTheClientAbortsADownload() {
        String host = register("aborted", upstream);
        upstream.stubFor(get("/aborted").willReturn(aResponse().withBody(bytes(10 * MIB))));
        AtomicLong received = new AtomicLong();

        WebClient.create("http://localhost:" + port).get().uri("/aborted").header(HttpHeaders.HOST, host)
                .retrieve().bodyToFlux(DataBuffer.class)
                .doOnNext(buffer -> {
                    received.addAndGet(buffer.readableByteCount());
                    DataBufferUtils.release(buffer);
                })
                .takeUntil(buffer -> received.get() >= 64 * 1024)
                .blockLast(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Totals totals = traffic.totals("aborted");
            assertThat(totals.requests()).isEqualTo(1);
            assertThat(totals.responseBytes()).isPositive().isLessThanOrEqualTo(10 * MIB);
        });
        assertThat(client().get(null, "/actuator/health/readiness").status()).isEqualTo(200);
        upstream.stubFor(get("/after-abort").willReturn(aResponse().withBody("still serving")));
        assertThat(client().get(host, "/after-abort").text()).isEqualTo("still serving");
    }

    @Test
    void meterNeverCountsAnEventTwice() {
        String host = register("no-duplicates", upstream);
        upstream.stubFor(get("/twice").willReturn(aResponse().withBody("x")));
        client().get(host, "/twice");
        client().get(host, "/twice");

        awaitTotals("no-duplicates", new Totals(0, 2, 2));
        assertThat(traffic.duplicateEventIds()).isEmpty();
    }

    // ---- ingress and routes from the projects topic ---------------------------------------------------------

    @Test
    void routesFollowTheProjectsTopicWithoutRestart() {
        upstream.stubFor(get("/who").willReturn(aResponse().withBody("first upstream")));
        otherUpstream.stubFor(get("/who").willReturn(aResponse().withBody("second upstream")));
        String host = register("moving", upstream);
        assertThat(client().get(host, "/who").text()).isEqualTo("first upstream");

        put("moving", projectJson("moving", host, otherUpstream.baseUrl(), "active")).expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> client().get(host, "/who").text().equals("second upstream"));

        api().delete().uri("/api/admin/projects/moving").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .exchange().expectStatus().isNoContent();
        await().atMost(Duration.ofSeconds(5)).until(() -> client().get(host, "/who").status() == 404);
        Reply gone = client().get(host, "/who");
        assertThat(gone.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(gone.text()).contains("https://problems.servelink.io/not-found");
    }

    @Test
    void keepsPathAndQueryAndTellsTheUpstreamTheClientsHost() {
        String host = register("forwarding", upstream);
        upstream.stubFor(get(urlPathEqualTo("/deep/path")).willReturn(aResponse().withBody("ok")));

        client().get(host + ":8080", "/deep/path?q=a%20b&n=1");

        upstream.verify(getRequestedFor(urlEqualTo("/deep/path?q=a%20b&n=1"))
                .withHeader("X-Forwarded-Host", equalTo(host + ":8080"))
                .withHeader(HttpHeaders.HOST, equalTo("localhost:" + upstream.port())));
    }

    @Test
    void neitherSideSeesTheOthersHopByHopHeadersNorTheUpstreamAClientsForwardingClaims() throws Exception {
        String host = register("hop-by-hop", upstream);
        upstream.stubFor(get("/hops").willReturn(aResponse().withHeader("Keep-Alive", "timeout=5")
                .withHeader("Proxy-Authenticate", "Basic").withHeader("X-App", "answer").withBody("ok")));

        String answer = rawExchange(String.join("\r\n", "GET /hops HTTP/1.1", "Host: " + host,
                "Connection: close, X-Secret-Hop", "X-Secret-Hop: 1", "Keep-Alive: timeout=5", "Proxy-Authorization: Basic eDp5",
                "Forwarded: for=6.6.6.6", "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Host: evil.example", "X-App: request",
                "Cookie: a=1", "", ""));

        var received = upstream.findAll(getRequestedFor(urlEqualTo("/hops"))).getLast();
        assertThat(received.getHeader("X-App")).isEqualTo("request");
        assertThat(received.getHeader("Cookie")).isEqualTo("a=1");
        assertThat(received.getHeader("X-Forwarded-Host")).isEqualTo(host);
        assertThat(java.util.stream.Stream.of("X-Secret-Hop", "Keep-Alive", "Proxy-Authorization", "Forwarded", "X-Forwarded-For"))
                .noneMatch(received::containsHeader);
        String answerHead = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertThat(answerHead).startsWith("http/1.1 200").contains("\r\nx-app: answer")
                .doesNotContain("keep-alive:").doesNotContain("proxy-authenticate:");
    }

    /** One request written byte for byte (headers a client library would rewrite), the whole answer read back. */
    private String rawExchange(String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void unknownHostUnderTheIngressSuffixIsANotFoundProblemAndIsNotMetered() {
        String marker = register("after-unknown", upstream);
        upstream.stubFor(get("/after-unknown-marker").willReturn(aResponse().withBody("m")));
        double before = meteredBytes();

        Reply reply = client().get("nobody.apps.localhost", "/anything");
        client().get(marker, "/after-unknown-marker");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(reply.text()).contains("https://problems.servelink.io/not-found");
        awaitTotals("after-unknown", new Totals(0, 1, 1));
        assertThat(meteredBytes()).as("only the marker's one byte, once its window closed").isEqualTo(before + 1);
    }

    @Test
    void suspendedProjectAnswersServiceUnavailableAndIsNotMetered() {
        String host = "suspended.apps.localhost";
        put("suspended", projectJson("suspended", host, upstream.baseUrl(), "suspended")).expectStatus().isOk();
        awaitRegistered("suspended");
        String marker = register("after-suspended", upstream);
        upstream.stubFor(get("/marker").willReturn(aResponse().withBody("m")));

        assertThat(client().get(host, "/marker").status()).isEqualTo(503);
        client().get(marker, "/marker");

        awaitTotals("after-suspended", new Totals(0, 1, 1));
        assertThat(traffic.totals("suspended")).isEqualTo(Totals.NONE);
    }

    @Test
    void anUpstreamThatRefusesTheConnectionIsABadGatewayProblemWhoseBytesAreNotMetered() throws java.io.IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String host = "refusing.apps.localhost";
        put("refusing", projectJson("refusing", host, "http://127.0.0.1:" + closedPort, null)).expectStatus().isOk();
        awaitRegistered("refusing");

        Reply reply = client().get(host, "/anything");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(reply.text()).contains("could not be reached");
        awaitTotals("refusing", new Totals(0, 0, 1));
    }

    @Test
    void anUpstreamSilentForLongerThanTheReadTimeoutIsAGatewayTimeoutProblem() {
        String host = register("silent", upstream);
        upstream.stubFor(get("/silent").willReturn(aResponse().withFixedDelay(5_000).withBody("too late")));

        Reply reply = client().get(host, "/silent");

        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        awaitTotals("silent", new Totals(0, 0, 1));
    }

    @Test
    void anEventStreamReachesTheClientAsTheUpstreamSendsItAndIsCountedExactly() {
        String host = register("events", chunkingUpstream);
        String events = "data: one\n\ndata: two\n\ndata: three\n\n";
        chunkingUpstream.stubFor(get("/events").willReturn(aResponse().withHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .withChunkedDribbleDelay(3, 1_200).withBody(events)));

        java.util.List<Long> arrivals = new java.util.ArrayList<>();
        StringBuilder received = new StringBuilder();
        WebClient.create("http://localhost:" + port).get().uri("/events").header(HttpHeaders.HOST, host)
                .retrieve().bodyToFlux(DataBuffer.class)
                .doOnNext(buffer -> {
                    arrivals.add(System.nanoTime());
                    received.append(buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
                    DataBufferUtils.release(buffer);
                })
                .blockLast(Duration.ofSeconds(20));

        assertThat(received.toString()).isEqualTo(events);
        assertThat(Duration.ofNanos(arrivals.getLast() - arrivals.getFirst()))
                .as("the first part was relayed before the upstream sent the last one (not buffered)")
                .isGreaterThan(Duration.ofMillis(300));
        awaitTotals("events", new Totals(0, events.length(), 1));
    }

    @Test
    void aProjectsOwnApiPathsAreProxiedWithoutAnyToken() {
        String host = register("own-api", upstream);
        upstream.stubFor(any(urlPathEqualTo("/api/admin/projects")).willReturn(aResponse().withBody("the project's own admin")));
        upstream.stubFor(get("/actuator/health").willReturn(aResponse().withBody("the project's own health")));

        assertThat(client().get(host, "/api/admin/projects").text()).isEqualTo("the project's own admin");
        assertThat(client().send(HttpMethod.GET, host, "/api/admin/projects", "not-a-gateway-token", null, null).text())
                .isEqualTo("the project's own admin");
        assertThat(client().get(host, "/actuator/health").text()).isEqualTo("the project's own health");
    }

    // ---- the API and its tokens -------------------------------------------------------------------------------

    @Test
    void apiRoutesNeedAValidTokenAndRelayIt() {
        usageService.stubFor(get("/api/usage/demo").willReturn(aResponse().withBody("{\"team_slug\":\"demo\"}")));
        String owner = TestTokens.owner("demo");

        api().get().uri("/api/usage/demo").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        api().get().uri("/api/usage/demo").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.forged("demo"))
                .exchange().expectStatus().isUnauthorized();
        api().get().uri("/api/usage/demo").header(HttpHeaders.AUTHORIZATION, "Bearer " + owner)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.team_slug").isEqualTo("demo");

        usageService.verify(1, getRequestedFor(urlEqualTo("/api/usage/demo")));
        usageService.verify(getRequestedFor(urlEqualTo("/api/usage/demo")).withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + owner)));
    }

    @Test
    void servesTheDashboardAndItsChartLibraryWithoutAToken() {
        api().get().uri("/").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(html -> org.assertj.core.api.Assertions.assertThat(html)
                        .contains("/app/main.js").contains("/webjars/chart.js/4.5.1/dist/chart.umd.js"));
        api().get().uri("/app/main.js").exchange().expectStatus().isOk();
        api().get().uri("/webjars/chart.js/4.5.1/dist/chart.umd.js").exchange().expectStatus().isOk();
        api().get().uri("/api/usage/demo").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void operatorApiNeedsTheOperatorRole() {
        api().get().uri("/api/admin/projects").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unauthenticated");
        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.member("demo"))
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/forbidden");
        api().put().uri("/api/admin/projects/sneaky").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.platform(PlatformRole.SUPPORT_AGENT))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(projectJson("sneaky", "sneaky.apps.localhost", upstream.baseUrl(), null))
                .exchange().expectStatus().isForbidden();
        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .exchange().expectStatus().isOk();
    }

    @Test
    void operatorApiAnswersAndListsRegisteredProjects() {
        register("listed", upstream);

        api().get().uri("/api/admin/projects/listed").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.project_id").isEqualTo("listed")
                .jsonPath("$.team_slug").isEqualTo("demo")
                .jsonPath("$.hosts[0]").isEqualTo("listed.apps.localhost")
                .jsonPath("$.upstream_uri").isEqualTo(upstream.baseUrl())
                .jsonPath("$.status").isEqualTo("active");
        api().get().uri("/api/admin/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$[?(@.project_id == 'listed')]").exists();
        api().get().uri("/api/admin/projects/never-registered").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange()
                .expectStatus().isNotFound();
        api().delete().uri("/api/admin/projects/never-registered").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void rejectsBadProjectInputNamingTheField() {
        String url = upstream.baseUrl();
        expectInvalid("Bad_Id", projectJson("x", "x.apps.localhost", url, null), "project_id");
        expectInvalid("bad-team", "{\"hosts\":[\"a.apps.localhost\"],\"upstream_uri\":\"" + url + "\"}", "team_slug");
        expectInvalid("bad-host", projectJson("bad-host", "not a host", url, null), "hosts[0]");
        expectInvalid("bad-host", projectJson("bad-host", "with-port.apps.localhost:80", url, null), "hosts[0]");
        expectInvalid("bad-upstream", projectJson("bad-upstream", "b.apps.localhost", "ftp://files.example", null), "upstream_uri");
        expectInvalid("bad-upstream", projectJson("bad-upstream", "b.apps.localhost", "/relative", null), "upstream_uri");
        expectInvalid("bad-status", projectJson("bad-status", "c.apps.localhost", url, "paused"), "status");
        expectInvalid("bad-hosts", "{\"team_slug\":\"demo\",\"hosts\":\"one\",\"upstream_uri\":\"" + url + "\"}", "hosts");
    }

    /**
     * The one slug rule (a DNS label) is the services' too: a project or team the gateway accepted but usage-service
     * refused would be metered, its usage never readable. usage-service's {@code UsageApiIT} refuses the same slugs.
     */
    @Test
    void refusesSlugsEndingInAHyphenAsEveryServiceDoes() {
        String url = upstream.baseUrl();
        expectInvalid("acme-", projectJson("acme-", "acme-dash.apps.localhost", url, null), "project_id");
        expectInvalid("acme-web", """
                {"team_slug": "acme-", "hosts": ["acme-web.apps.localhost"], "upstream_uri": "%s"}""".formatted(url), "team_slug");
        api().get().uri("/api/admin/projects/acme-").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("project_id");
    }

    @Test
    void refusesAHostThatAnotherProjectServes() {
        String host = register("host-owner", upstream);

        put("host-thief", projectJson("host-thief", host, upstream.baseUrl(), null)).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/conflict");
    }

    @Test
    void devTokenEndpointDoesNotExistOutsideTheTestTokensProfile() {
        api().get().uri("/dev/token?team=demo&role=owner").exchange().expectStatus().isNotFound();
    }

    @Test
    void isReadyOnceTheProjectsTopicIsRead() {
        api().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    // ---- traces ---------------------------------------------------------------------------------------------

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void anApiCallContinuesTheCallersTraceIntoTheService() {
        usageService.stubFor(get(urlPathEqualTo("/api/usage/traced")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE).withBody("{}")));

        api().get().uri("/api/usage/traced").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.owner("traced"))
                .header("traceparent", CLIENT_TRACEPARENT).exchange().expectStatus().isOk();

        String relayed = usageService.findAll(getRequestedFor(urlPathEqualTo("/api/usage/traced"))).getFirst().getHeader("traceparent");
        assertThat(relayed).as("same trace, the gateway's own span as parent")
                .startsWith("00-" + TRACE_ID + "-").isNotEqualTo(CLIENT_TRACEPARENT);
    }

    @Test
    void aPaymentCallContinuesTheCallersTraceIntoPaymentService() {
        paymentService.stubFor(post(urlPathEqualTo("/api/payments/traced/initiate")).willReturn(aResponse().withStatus(201)
                .withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE).withBody("{}")));

        api().post().uri("/api/payments/traced/initiate").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.owner("traced"))
                .header("traceparent", CLIENT_TRACEPARENT).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"purpose\": \"plan_upgrade\", \"reference\": \"plan:pro\", \"payment_method\": \"credit_card\"}")
                .exchange().expectStatus().isCreated();

        String relayed = paymentService.findAll(postRequestedFor(urlPathEqualTo("/api/payments/traced/initiate"))).getFirst()
                .getHeader("traceparent");
        assertThat(relayed).as("same trace, the gateway's own span as parent")
                .startsWith("00-" + TRACE_ID + "-").isNotEqualTo(CLIENT_TRACEPARENT);
    }

    @Test
    void projectTrafficCarriesTheClientsTraceHeaderUntouched() {
        String host = register("traced-project", upstream);
        upstream.stubFor(get("/traced").willReturn(aResponse().withBody("ok")));

        Reply traced = client().get(host, "/traced", "traceparent", CLIENT_TRACEPARENT);

        assertThat(traced.status()).isEqualTo(200);
        assertThat(upstream.findAll(getRequestedFor(urlEqualTo("/traced"))).getLast().getHeader("traceparent"))
                .as("project traffic is not observed by the gateway: the project's own trace passes through")
                .isEqualTo(CLIENT_TRACEPARENT);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private GatewayClient client() {
        return new GatewayClient(port);
    }

    private WebTestClient api() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    /** Registers a project through the operator API and waits until this gateway serves it. */
    private String register(String projectId, WireMockServer target) {
        String host = projectId + ".apps.localhost";
        put(projectId, projectJson(projectId, host, target.baseUrl(), null)).expectStatus().isOk()
                .expectBody().jsonPath("$.project_id").isEqualTo(projectId);
        awaitRegistered(projectId);
        return host;
    }

    private void awaitRegistered(String projectId) {
        await().atMost(Duration.ofSeconds(5)).until(() -> api().get().uri("/api/admin/projects/" + projectId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange().returnResult(String.class).getStatus().value() == 200);
    }

    private WebTestClient.ResponseSpec put(String projectId, String json) {
        return api().put().uri("/api/admin/projects/" + projectId).header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private void expectInvalid(String projectId, String json, String field) {
        put(projectId, json).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo(field);
    }

    private static String projectJson(String projectId, String host, String upstreamUri, String status) {
        return """
                {"team_slug": "demo", "hosts": ["%s"], "upstream_uri": "%s"%s}
                """.formatted(host, upstreamUri, status == null ? "" : ", \"status\": \"" + status + "\"");
    }

    private void awaitTotals(String projectId, Totals expected) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(traffic.totals(projectId)).isEqualTo(expected));
    }

    private double meteredBytes() {
        return meters.get("servelink.gateway.metered.bytes").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static Flux<DataBuffer> body(byte[] bytes) {
        return Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes));
    }

}
