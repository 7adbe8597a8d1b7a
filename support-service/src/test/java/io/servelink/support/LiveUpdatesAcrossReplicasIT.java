package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Two replicas on one database: replica A is this test's context, replica B a second run of the application. A client
 * streaming from one replica sees the changes made through the other.
 */
@ServiceIT
@TestPropertySource(properties = "servelink.jobs.enabled=false")
class LiveUpdatesAcrossReplicasIT {

    static final String AGENT = TestTokens.platform(PlatformRole.SUPPORT_AGENT);

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    ConfigurableApplicationContext replicaB;
    SupportApi a;
    SupportApi b;

    @BeforeEach
    void startSecondReplica() {
        Map<String, Object> properties = new HashMap<>(infra.springProperties());
        properties.put("server.port", "0");
        properties.put("servelink.jobs.enabled", "false");
        // as arguments, so they win over application.yml as the test context's properties do
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        replicaB = new SpringApplicationBuilder(SupportServiceApplication.class).run(arguments);
        a = new SupportApi(port, infra);
        b = new SupportApi(Integer.parseInt(replicaB.getEnvironment().getProperty("local.server.port")), infra);
    }

    @AfterEach
    void stopSecondReplica() {
        replicaB.close();
    }

    @Test
    void aClientOnEitherReplicaSeesChangesMadeThroughTheOther() {
        String member = TestTokens.member("replicas");
        String id = a.createTicket(member, "replicas", "Two replicas", "Watching from both", "technical");

        // the agent watches on A while changes go through B
        StepVerifier.create(stream(a, AGENT, id))
                .assertNext(e -> assertThat(e.event()).isEqualTo("snapshot"))
                .then(() -> {
                    b.reply(AGENT, "replicas", id, "Internal via B", true);
                    b.reply(AGENT, "replicas", id, "Public via B", false);
                })
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("message");
                    assertThat(e.data()).containsEntry("body", "Internal via B").containsEntry("is_internal", true);
                })
                .assertNext(e -> assertThat(e.data()).containsEntry("body", "Public via B"))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("status");
                    assertThat(e.data()).containsEntry("status", "waiting");
                })
                .thenCancel()
                .verify(Duration.ofSeconds(20));

        // the customer watches on B while changes go through A; internal notes stay hidden
        StepVerifier.create(stream(b, member, id))
                .assertNext(e -> assertThat(e.event()).isEqualTo("snapshot"))
                .then(() -> {
                    a.reply(AGENT, "replicas", id, "Internal via A", true);
                    a.post(AGENT, """
                            {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk();
                })
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("status");
                    assertThat(e.data()).containsEntry("status", "resolved");
                })
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    /** A ticket's live stream from one replica as {@code token} sees it, without keep-alive comments. */
    private static Flux<ServerSentEvent<Map<String, Object>>> stream(SupportApi replica, String token, String id) {
        return replica.client().get().uri("/api/support/replicas/tickets/{id}/stream", id)
                .header("Authorization", "Bearer " + token).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
                }).getResponseBody()
                .filter(e -> e.event() != null);
    }
}
