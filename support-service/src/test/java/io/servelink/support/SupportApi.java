package io.servelink.support;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.KafkaClients;
import io.servelink.infra.test.TestInfrastructure;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Small helpers the support ITs share: API calls with a token, and publishing events as peers do. */
final class SupportApi {

    private final WebTestClient client;
    private final TestInfrastructure infra;
    private final EventCodec codec = new EventCodec();

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
        send(topic, key, codec.encode(envelope));
    }

    /** A tombstone (no value) on a compacted topic. */
    void remove(String topic, String key) {
        send(topic, key, null);
    }

    private void send(String topic, String key, byte[] value) {
        KafkaClients settings = KafkaClients.of(infra.kafka().bootstrapServers(),
                new KafkaSettings(infra.topicNamespace(), "support-it", Duration.ofSeconds(10), false, 3));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producerConfig("test"))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
