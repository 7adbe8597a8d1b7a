package io.servelink.support;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestKafka;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Small helpers the support ITs share: API calls with a token, and publishing events as peers do. */
final class SupportApi {

    private final WebTestClient client;
    private final TestInfrastructure infra;

    SupportApi(int port, TestInfrastructure infra) {
        this.client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
        this.infra = infra;
    }

    WebTestClient client() {
        return client;
    }

    WebTestClient.ResponseSpec get(String token, String uri, Object... vars) {
        return client.get().uri(uri, vars).header("Authorization", "Bearer " + token).exchange();
    }

    WebTestClient.ResponseSpec post(String token, String body, String uri, Object... vars) {
        return client.post().uri(uri, vars).header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    /** Creates a ticket and returns its id. */
    String createTicket(String token, String team, String subject, String description, String category) {
        return post(token, """
                {"subject": "%s", "description": "%s", "category": "%s"}
                """.formatted(subject, description, category), "/api/support/{team}/tickets", team)
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    void reply(String token, String team, String ticketId, String body, boolean internal) {
        post(token, """
                {"body": "%s", "is_internal": %s}
                """.formatted(body, internal), "/api/support/{team}/tickets/{id}/messages", team, ticketId)
                .expectStatus().isCreated();
    }

    void publish(String topic, String key, EventEnvelope<? extends Event> envelope) {
        try (TestKafka kafka = TestKafka.of(infra)) {
            kafka.publish(topic, key, envelope);
        }
    }

    /** Whether the service's consumer group has consumed, and stored the effect of, everything now on the topic. */
    boolean consumedAll(String groupId, String topic) {
        try (TestKafka kafka = TestKafka.of(infra)) {
            return kafka.consumedAll(infra.topics().name(groupId), topic); // groups carry the namespace as topics do
        }
    }

    /** A tombstone (no value) on a compacted topic. */
    void remove(String topic, String key) {
        try (TestKafka kafka = TestKafka.of(infra)) {
            kafka.send(topic, key, null);
        }
    }
}
