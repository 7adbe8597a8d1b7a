package io.servelink.gateway.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.KafkaClients;
import io.servelink.gateway.GatewayIT;
import io.servelink.infra.test.TestTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operators' project changes (create, change, delete) each write exactly one line on the {@code servelink.audit}
 * logger, naming the operator, the project, its team and the client address; refused requests write none; a change
 * the broker did not acknowledge in time is written as unconfirmed.
 */
@GatewayIT
@ExtendWith(OutputCaptureExtension.class)
class ProjectAuditIT {

    private static final String OPERATOR = TestTokens.platform(PlatformRole.OPERATOR);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The real publisher, unless a test takes the broker "down": then every publish times out, as a slow broker would. */
    static class SwitchablePublisher extends ProjectsPublisher {

        volatile boolean brokerDown;

        SwitchablePublisher(KafkaClients kafka, TopicNames topics, EventCodec codec, ProjectsSettings settings, Clock clock) {
            super(kafka, topics, codec, settings, clock);
        }

        @Override
        Mono<Project> publish(Project project) {
            return brokerDown ? Mono.error(ApiProblem.unavailable("The projects topic is unavailable", Duration.ofSeconds(5)))
                    : super.publish(project);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Broker {
        @Bean
        @Primary
        SwitchablePublisher switchablePublisher(KafkaClients kafka, TopicNames topics, EventCodec codec, ProjectsSettings settings,
                                                Clock clock) {
            return new SwitchablePublisher(kafka, topics, codec, settings, clock);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    SwitchablePublisher publisher;

    @BeforeEach
    void brokerUp() {
        publisher.brokerDown = false;
    }

    @Test
    void createChangeAndDeleteEachWriteOneAuditLineWithTheOperatorTheProjectAndTheClientAddress(CapturedOutput output) {
        put("audited-shop", OPERATOR, project("audited-shop.apps.localhost")).expectStatus().isOk();
        awaitRegistered("audited-shop");
        put("audited-shop", OPERATOR, project("www.audited-shop.example")).expectStatus().isOk();
        api().delete().uri("/api/admin/projects/audited-shop").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .header("X-Forwarded-For", "203.0.113.8").exchange().expectStatus().isNoContent();

        List<Map<String, Object>> lines = auditLines(output, "audited-shop");
        assertThat(lines).extracting(line -> line.get("action"))
                .containsExactly("project.created", "project.changed", "project.deleted");
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .containsEntry("outcome", "applied").containsEntry("actor", "staff-operator").containsEntry("team_slug", "demo")
                .containsEntry("forwarded_for", "203.0.113.8")
                .hasEntrySatisfying("remote_address", address -> assertThat(address).isIn("127.0.0.1", "0:0:0:0:0:0:0:1")));
        Map<?, ?> changed = (Map<?, ?>) lines.get(1).get("details");
        assertThat(changed.get("hosts")).isEqualTo(List.of("www.audited-shop.example"));
        assertThat(((Map<?, ?>) changed.get("before")).get("hosts")).isEqualTo(List.of("audited-shop.apps.localhost"));
    }

    @Test
    void refusedChangesWriteNoAuditLine(CapturedOutput output) {
        put("audited-owner", OPERATOR, project("audited-owner.apps.localhost")).expectStatus().isOk();
        awaitRegistered("audited-owner");

        put("audited-refused", TestTokens.member("demo"), project("audited-refused.apps.localhost")).expectStatus().isForbidden();
        put("audited-refused", TestTokens.platform(PlatformRole.SUPPORT_AGENT), project("audited-refused.apps.localhost"))
                .expectStatus().isForbidden();
        put("audited-refused", OPERATOR, "{\"team_slug\": \"demo\", \"hosts\": [\"not a host\"], \"upstream_uri\": \"http://localhost:1\"}")
                .expectStatus().isBadRequest();
        put("audited-refused", OPERATOR, project("audited-owner.apps.localhost")).expectStatus().isEqualTo(409);
        api().delete().uri("/api/admin/projects/audited-refused").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .exchange().expectStatus().isNotFound();
        api().delete().uri("/api/admin/projects/audited-owner").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.owner("demo"))
                .exchange().expectStatus().isForbidden();

        assertThat(auditLines(output, "audited-refused")).isEmpty();
        assertThat(auditLines(output, "audited-owner")).extracting(line -> line.get("action")).containsExactly("project.created");
    }

    @Test
    void aChangeTheBrokerDidNotAcknowledgeIsWrittenAsUnconfirmed(CapturedOutput output) {
        publisher.brokerDown = true;
        put("audited-slow", OPERATOR, project("audited-slow.apps.localhost")).expectStatus().isEqualTo(503);

        assertThat(auditLines(output, "audited-slow")).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("action", "project.created").containsEntry("outcome", "unconfirmed"));
    }

    /** The audit lines about a project, parsed from the message (the JSON after "audit "). */
    private static List<Map<String, Object>> auditLines(CapturedOutput output, String projectId) {
        return output.getOut().lines()
                .filter(line -> line.contains(ProjectAudit.LOGGER))
                .map(line -> line.substring(line.indexOf("audit {") + "audit ".length()))
                .map(json -> (Map<String, Object>) JSON.readValue(json, Map.class))
                .filter(line -> projectId.equals(line.get("subject_id")))
                .toList();
    }

    private WebTestClient api() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    private WebTestClient.ResponseSpec put(String projectId, String token, String json) {
        return api().put().uri("/api/admin/projects/" + projectId).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header("X-Forwarded-For", "203.0.113.8")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private void awaitRegistered(String projectId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> api().get().uri("/api/admin/projects/" + projectId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange().returnResult(String.class).getStatus().value() == 200);
    }

    private static String project(String host) {
        return """
                {"team_slug": "demo", "hosts": ["%s"], "upstream_uri": "http://localhost:9"}""".formatted(host);
    }
}
