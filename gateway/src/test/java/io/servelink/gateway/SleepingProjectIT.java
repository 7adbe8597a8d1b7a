package io.servelink.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.gateway.GatewayClient.Reply;
import io.servelink.gateway.sleep.ProjectSleepStates;
import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * Sleeping projects at the gateway against a real broker: a project whose sleep state is asleep is not proxied; its
 * visitors get 503 "waking up" (a page that reloads itself, in French or English, or a problem for API clients) and
 * the gateway asks for the project to wake on the wake-request topic, once per project per interval and replica.
 * With a second replica (another application context on the same topics), each replica that receives visitors
 * asks, and both proxy again once the awake state arrives; a replica configured to hold requests proxies the held
 * request as soon as the project wakes.
 */
@GatewayIT
@TestPropertySource(properties = "servelink.gateway.sleep.wake-request-interval=1m")
class SleepingProjectIT {

    private static final WireMockServer upstream = new WireMockServer(options().dynamicPort().gzipDisabled(true));
    private static final String PROJECT_CONTENT = "the project's own content";
    private static StateTopics states;

    @LocalServerPort
    int port;
    @Autowired
    GatewayIT.TestKafka kafka;
    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void start(@Autowired GatewayIT.TestKafka kafka) {
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/.*")).willReturn(aResponse().withBody(PROJECT_CONTENT)));
        states = new StateTopics(kafka);
    }

    @AfterAll
    static void stop() {
        states.close();
        upstream.stop();
    }

    @Test
    void answersASleepingProjectsVisitorsWithAWakingPageAndAsksOnceForItToWake() {
        String host = serve("sleepy", new GatewayClient(port));
        double throttledBefore = wakeRequests("throttled");
        double sentBefore = wakeRequests("sent");

        states.sleepState("sleepy", "team-sleepy", true, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> client().get(host, "/probe").status() == 503);

        Reply french = client().get(host, "/page", browser("fr-CH, fr;q=0.9, en;q=0.8"));
        assertThat(french.status()).isEqualTo(503);
        assertThat(french.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(french.headers().getContentType().isCompatibleWith(MediaType.TEXT_HTML)).isTrue();
        assertThat(french.text()).contains("<html lang=\"fr\"", "Ce projet se réveille", "<meta http-equiv=\"refresh\" content=\"5\">")
                .doesNotContain(PROJECT_CONTENT, "<script");
        Reply english = client().get(host, "/page", browser("en"));
        assertThat(english.status()).isEqualTo(503);
        assertThat(english.text()).contains("<html lang=\"en\"", "This project is waking up", "<meta http-equiv=\"refresh\" content=\"5\">")
                .doesNotContain(PROJECT_CONTENT, "<script");
        Reply problem = client().get(host, "/api/things");
        assertThat(problem.status()).isEqualTo(503);
        assertThat(problem.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(problem.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(problem.text()).contains("\"type\":\"https://problems.servelink.io/project-asleep\"").doesNotContain(PROJECT_CONTENT);
        upstream.verify(0, anyRequestedFor(urlPathMatching("/(page|api/things)")));

        await().atMost(Duration.ofSeconds(10)).until(() -> states.wakeRequestsFor("sleepy").size() == 1);
        assertThat(states.wakeRequestsFor("sleepy").getFirst().projectId()).isEqualTo("sleepy");
        // every visit after the first, within the interval, asked nothing more (decided as the visit is answered)
        assertThat(wakeRequests("throttled") - throttledBefore).isGreaterThanOrEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> wakeRequests("sent") - sentBefore == 1);
    }

    @Test
    void twoReplicasEachAskForTheProjectToWakeAndBothServeItOnceAwake() throws Exception {
        try (ConfigurableApplicationContext replica = secondReplica(Duration.ofSeconds(30))) {
            GatewayClient first = client();
            GatewayClient second = new GatewayClient(Integer.parseInt(replica.getEnvironment().getProperty("local.server.port")));
            String host = serve("dozing", first);
            await().atMost(Duration.ofSeconds(20)).until(() -> second.get(host, "/ready").status() == 200);

            states.sleepState("dozing", "team-dozing", true, 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.get(host, "/probe").status() == 503);
            assertThat(first.get(host, "/a").status()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.getBean(ProjectSleepStates.class).isAsleep("dozing"));
            // the second replica holds its visitor's request while the project wakes
            CompletableFuture<Reply> held = CompletableFuture.supplyAsync(() -> second.get(host, "/held"));

            await().atMost(Duration.ofSeconds(10)).until(() -> states.wakeRequestsFor("dozing").size() == 2);
            assertThat(held).isNotDone();
            upstream.verify(0, anyRequestedFor(urlPathMatching("/(a|held)")));

            states.sleepState("dozing", "team-dozing", false, 2); // usage-service woke it

            Reply heldReply = held.get(10, TimeUnit.SECONDS);
            assertThat(heldReply.status()).isEqualTo(200);
            assertThat(heldReply.text()).isEqualTo(PROJECT_CONTENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> first.get(host, "/b").status() == 200);
            assertThat(second.get(host, "/c").text()).isEqualTo(PROJECT_CONTENT);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Another gateway on the same broker and topics, holding sleeping projects' requests for {@code hold}. */
    private ConfigurableApplicationContext secondReplica(Duration hold) {
        // arguments rather than builder properties, which application.yml would override
        return new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--servelink.kafka.topic-namespace=" + kafka.topics().namespace(),
                "--servelink.kafka.provision-topics=true",
                "--servelink.security.hmac-secret=" + TestTokens.SECRET,
                "--servelink.gateway.metering.window=200ms",
                "--servelink.gateway.sleep.wake-request-interval=1m",
                "--servelink.gateway.sleep.hold=" + hold.toSeconds() + "s");
    }

    private static String serve(String projectId, GatewayClient client) {
        String host = projectId + ".apps.localhost";
        states.project(projectId, "team-" + projectId, host, upstream.baseUrl());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.get(host, "/ready").status() == 200);
        return host;
    }

    private double wakeRequests(String outcome) {
        return meters.get("servelink.gateway.wake.requests").tag("outcome", outcome).counter().count();
    }

    private static HttpHeaders browser(String languages) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        headers.set(HttpHeaders.ACCEPT_LANGUAGE, languages);
        return headers;
    }

    private GatewayClient client() {
        return new GatewayClient(port);
    }
}
