package io.servelink.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Traffic events cannot reach Kafka (their producer points at a closed port; the projects topic still works):
 * project requests are served all the same, the events wait in the bounded buffer, and what does not fit is
 * dropped and counted.
 */
@GatewayIT
class MeteringWithoutKafkaIT {

    private static final int CAPACITY = 3;
    private static final WireMockServer upstream = new WireMockServer(options().dynamicPort().gzipDisabled(true));

    static {
        upstream.start();
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void unreachableTrafficBroker(DynamicPropertyRegistry registry) {
        registry.add("servelink.gateway.metering.bootstrap-servers", () -> "127.0.0.1:" + closedPort());
        registry.add("servelink.gateway.metering.buffer-capacity", () -> CAPACITY);
        registry.add("servelink.gateway.metering.shutdown-grace", () -> "200ms");
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop();
    }

    @Test
    void servesProjectTrafficWhileKafkaIsUnreachableAndCountsWhatTheFullBufferDrops() {
        upstream.stubFor(get("/page").willReturn(aResponse().withBody("served without kafka")));
        int projects = CAPACITY + 3;
        for (int i = 0; i < projects; i++) {
            register("offline-" + i);
        }

        for (int i = 0; i < projects; i++) {
            new WebTestClientFor(port).get("offline-" + i + ".apps.localhost", "/page")
                    .expectStatus().isOk().expectBody(String.class).isEqualTo("served without kafka");
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.get("servelink.gateway.traffic.buffer.size").gauge().value()).isEqualTo(CAPACITY);
            assertThat(meters.get("servelink.gateway.traffic.events.dropped").counter().count()).isGreaterThanOrEqualTo(projects - CAPACITY);
        });
        assertThat(meters.get("servelink.gateway.traffic.events.sent").counter().count()).isZero();
        new WebTestClientFor(port).get("offline-0.apps.localhost", "/page").expectStatus().isOk();
    }

    private void register(String projectId) {
        WebTestClient api = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        String operator = "Bearer " + TestTokens.platform(PlatformRole.OPERATOR);
        api.put().uri("/api/admin/projects/" + projectId).header(HttpHeaders.AUTHORIZATION, operator)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"team_slug": "demo", "hosts": ["%s.apps.localhost"], "upstream_uri": "%s"}
                        """.formatted(projectId, upstream.baseUrl()))
                .exchange().expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get().uri("/api/admin/projects/" + projectId)
                .header(HttpHeaders.AUTHORIZATION, operator).exchange().returnResult(String.class).getStatus().value() == 200);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record WebTestClientFor(int port) {
        WebTestClient.ResponseSpec get(String host, String path) {
            return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(10)).build()
                    .get().uri(path).header(HttpHeaders.HOST, host).exchange();
        }
    }
}
