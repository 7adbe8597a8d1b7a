package io.servelink.gateway;

import io.servelink.infra.test.TestClock;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.servelink.gateway.GatewayClient.Reply;
import io.servelink.gateway.TrafficTopic.Totals;
import java.time.Duration;
import java.time.YearMonth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Traffic limits at the gateway against a real broker: the gateway follows the team usage states and stops serving a
 * team's projects while its state of the current month blocks traffic (402, a page for browsers in French or English,
 * a problem for API clients), proxying and metering nothing, and serves them again as soon as an unblocked state
 * arrives or the month ends.
 */
@GatewayIT
@Import(TestClock.Configuration.class)
class TrafficLimitIT {

    private static final WireMockServer upstream = new WireMockServer(options().dynamicPort().gzipDisabled(true));
    private static final String PROJECT_CONTENT = "the project's own content";
    private static StateTopics states;
    private static TrafficTopic traffic;

    @LocalServerPort
    int port;
    @Autowired
    TestClock clock;

    @BeforeAll
    static void start(@Autowired GatewayIT.TestKafka kafka) {
        upstream.start();
        upstream.stubFor(get(urlPathMatching("/.*")).willReturn(aResponse().withBody(PROJECT_CONTENT)));
        states = new StateTopics(kafka);
        traffic = new TrafficTopic(kafka);
    }

    @AfterAll
    static void stop() {
        states.close();
        traffic.close();
        upstream.stop();
    }

    @Test
    void stopsServingABlockedTeamWithA402PageInFrenchOrEnglishAndAProblemForApiClients() {
        String host = serve("over-page", "team-over-page");

        states.teamState("team-over-page", thisMonth(), true, 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> client().get(host, "/page").status() == 402);
        Reply french = client().get(host, "/page", browser("fr-FR,fr;q=0.9,en;q=0.8"));
        assertThat(french.status()).isEqualTo(402);
        assertThat(french.headers().getContentType().isCompatibleWith(MediaType.TEXT_HTML)).isTrue();
        assertThat(french.headers().getFirst(HttpHeaders.CONTENT_LANGUAGE)).isEqualTo("fr");
        assertThat(french.headers().getCacheControl()).isEqualTo("no-store");
        assertThat(french.text()).contains("<html lang=\"fr\"", "Ce projet a atteint sa limite de trafic", host)
                .doesNotContain(PROJECT_CONTENT, "<script");

        Reply english = client().get(host, "/page", browser("en-GB,en;q=0.9"));
        assertThat(english.status()).isEqualTo(402);
        assertThat(english.headers().getFirst(HttpHeaders.CONTENT_LANGUAGE)).isEqualTo("en");
        assertThat(english.text()).contains("<html lang=\"en\"", "This project has reached its traffic limit", host)
                .doesNotContain(PROJECT_CONTENT, "<script");

        HttpHeaders api = new HttpHeaders();
        api.setAccept(java.util.List.of(MediaType.APPLICATION_JSON));
        Reply problem = client().get(host, "/api/things", api);
        assertThat(problem.status()).isEqualTo(402);
        assertThat(problem.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(problem.text()).contains("\"type\":\"https://problems.servelink.io/traffic-limit-reached\"", "\"status\":402")
                .doesNotContain(PROJECT_CONTENT);

        upstream.verify(0, anyRequestedFor(urlPathMatching("/(page|api/things)")));
    }

    @Test
    void servesTheTeamAgainWithinSecondsOfAnUnblockedStateAndMetersNothingWhileBlocked() {
        String host = serve("over-resume", "team-over-resume");
        states.teamState("team-over-resume", thisMonth(), true, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> client().get(host, "/blocked").status() == 402);
        for (int i = 0; i < 5; i++) {
            assertThat(client().get(host, "/blocked").status()).isEqualTo(402);
        }

        states.teamState("team-over-resume", thisMonth(), false, 2); // e.g. a traffic add-on completed

        await().atMost(Duration.ofSeconds(5)).until(() -> client().get(host, "/served").status() == 200);
        upstream.verify(0, anyRequestedFor(urlPathMatching("/blocked")));
        // exactly what reached the upstream was metered: nothing of the blocked requests
        long served = upstream.countRequestsMatching(anyRequestedFor(urlPathMatching("/.*"))
                .withHeader("X-Forwarded-Host", equalTo(host)).build()).getCount();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(traffic.totals("over-resume"))
                .isEqualTo(new Totals(0, served * PROJECT_CONTENT.length(), served)));
    }

    @Test
    void aBlockedStateOfAnEarlierMonthBlocksNothingSoANewMonthResumesServiceByItself() {
        String host = serve("over-month", "team-over-month");
        String neighbour = serve("other-team", "team-not-over");
        states.teamState("team-over-month", thisMonth(), true, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> client().get(host, "/m").status() == 402);
        assertThat(client().get(neighbour, "/m").status()).isEqualTo(200);

        YearMonth blockedMonth = thisMonth();
        clock.advance(Duration.ofDays(32)); // the next month, and no new state

        assertThat(thisMonth()).isEqualTo(blockedMonth.plusMonths(1));
        Reply served = client().get(host, "/m");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.text()).isEqualTo(PROJECT_CONTENT);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private String serve(String projectId, String teamSlug) {
        String host = projectId + ".apps.localhost";
        states.project(projectId, teamSlug, host, upstream.baseUrl());
        await().atMost(Duration.ofSeconds(10)).until(() -> client().get(host, "/ready").status() == 200);
        return host;
    }

    private YearMonth thisMonth() {
        return YearMonth.now(clock);
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
