package io.servelink.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.webhook.WebhookSignature;
import io.servelink.starter.outbox.OutboxRelay;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the payment integration tests share: WireMock playing both the provider and resources-service, tokens,
 * signed webhooks, reading the payments topic and the database.
 */
@ServiceIT
// An open circuit stays open for the whole test unless it resets it. Not dynamic properties: a subclass's
// @DynamicPropertySource must be able to override them (the superclass's dynamic properties are applied last).
@TestPropertySource(properties = {
        "resilience4j.circuitbreaker.instances.provider.wait-duration-in-open-state=60s",
        "resilience4j.circuitbreaker.instances.provider.automatic-transition-from-open-to-half-open-enabled=false"})
public abstract class PaymentItSupport {

    protected static final String TEAM = "acme";
    protected static final String OTHER_TEAM = "globex";
    protected static final String API_KEY = "test-provider-api-key";
    protected static final String WEBHOOK_SECRET = "test-provider-webhook-secret";
    protected static final WebhookSignature SIGNER = new WebhookSignature(WEBHOOK_SECRET, Duration.ofMinutes(5));

    protected static final WireMockServer wiremock = startWireMock();

    private static WireMockServer startWireMock() {
        WireMockServer server = new WireMockServer(options().dynamicPort().templatingEnabled(true));
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void peers(DynamicPropertyRegistry registry) {
        registry.add("servelink.payment.provider.base-url", wiremock::baseUrl);
        registry.add("servelink.payment.provider.api-key", () -> API_KEY);
        registry.add("servelink.payment.provider.webhook-secret", () -> WEBHOOK_SECRET);
        registry.add("servelink.payment.resources-url", wiremock::baseUrl);
        registry.add("servelink.jobs.enabled", () -> "false");
        registry.add("resilience4j.timelimiter.instances.provider.timeout-duration", () -> "1500ms");
        registry.add("resilience4j.retry.instances.provider-create.wait-duration", () -> "50ms");
        registry.add("resilience4j.retry.instances.provider-read.wait-duration", () -> "50ms");
        registry.add("resilience4j.retry.instances.resources.wait-duration", () -> "50ms");
    }

    @AfterAll
    static void keepWireMockForTheNextClass() {
        wiremock.resetAll();
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected TestInfrastructure infrastructure;

    @Autowired
    protected OutboxRelay outboxRelay;

    @Autowired
    protected io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry breakers;

    /** Each test starts with fresh peers and closed circuits (one test's outage must not leak into the next). */
    @BeforeEach
    void resetPeers() {
        wiremock.resetAll();
        breakers.getAllCircuitBreakers().forEach(io.github.resilience4j.circuitbreaker.CircuitBreaker::reset);
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /** The envelope's {@code type} of a record on the payments topic. */
    protected static String typeOf(ConsumerRecord<String, byte[]> record) {
        return JSON.readTree(record.value()).get("type").asString();
    }

    protected WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    // ---- resources-service --------------------------------------------------------------------------------------

    protected static void quote(String team, String reference, long amountMinor, String currency, String description) {
        wiremock.stubFor(get(urlPathEqualTo("/api/resources/" + team + "/quote"))
                .withQueryParam("reference", equalTo(reference))
                .willReturn(okJson("""
                        {"amount_minor": %d, "currency": "%s", "description": "%s"}""".formatted(amountMinor, currency, description))));
    }

    // ---- provider -----------------------------------------------------------------------------------------------

    /** The provider accepts every create and answers pending, with id {@code pay_<our payment id>}. */
    protected static void providerAccepts(String nextActionType) {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withTransformers("response-template")
                .withBody("""
                        {"id": "pay_{{jsonPath request.body '$.metadata.payment_id'}}", "status": "pending",
                         "amount_minor": {{jsonPath request.body '$.amount_minor'}}, "currency": "{{jsonPath request.body '$.currency'}}",
                         "method": "{{jsonPath request.body '$.method'}}",
                         "next_action": {"type": "%s", "url": %s, "instruction": "Confirm on your phone"},
                         "metadata": {"payment_id": "{{jsonPath request.body '$.metadata.payment_id'}}"}}"""
                        .formatted(nextActionType, "redirect".equals(nextActionType)
                                ? "\"https://provider.test/checkout/{{jsonPath request.body '$.metadata.payment_id'}}\"" : "null"))));
    }

    protected static String providerPayment(String providerId, String status, long amountMinor, String currency, String paymentId) {
        return """
                {"id": "%s", "status": "%s", "amount_minor": %d, "currency": "%s", "method": "mobile_money",
                 "next_action": null, "failure_reason": null, "metadata": {"payment_id": "%s"}}"""
                .formatted(providerId, status, amountMinor, currency, paymentId);
    }

    // ---- API helpers --------------------------------------------------------------------------------------------

    protected Map<String, Object> initiate(String team, String token, String reference, String method, String phone) {
        String body = phone == null
                ? """
                  {"purpose": "plan_upgrade", "reference": "%s", "payment_method": "%s"}""".formatted(reference, method)
                : """
                  {"purpose": "plan_upgrade", "reference": "%s", "payment_method": "%s", "phone": "%s"}"""
                        .formatted(reference, method, phone);
        return client().post().uri("/api/payments/{team}/initiate", team)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated()
                .expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { })
                .returnResult().getResponseBody();
    }

    /** Quotes 900 EUR for {@code reference} and asks to pay it by card as {@link #TEAM}'s owner; the answer unchecked. */
    protected WebTestClient.ResponseSpec initiateCard(String reference) {
        quote(TEAM, reference, 900, "EUR", "Pro plan, 30 days");
        return client().post().uri("/api/payments/{team}/initiate", TEAM)
                .header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"purpose": "plan_upgrade", "reference": "%s", "payment_method": "credit_card"}""".formatted(reference))
                .exchange();
    }

    /** A pending Mobile Money payment of 900 EUR for {@link #TEAM}, known to the provider as {@code pay_<id>}. */
    protected String pendingPayment() {
        quote(TEAM, "plan:pro", 900, "EUR", "Pro plan, 30 days");
        providerAccepts("push");
        return (String) initiate(TEAM, TestTokens.owner(TEAM), "plan:pro", "mobile_money", "+237670000001").get("payment_id");
    }

    protected WebTestClient.ResponseSpec status(String paymentId, String token) {
        return client().get().uri("/api/payments/{id}/status", paymentId).header("Authorization", "Bearer " + token).exchange();
    }

    protected String statusOf(String paymentId) {
        return queryString("SELECT status FROM payments WHERE id = ?", UUID.fromString(paymentId));
    }

    // ---- webhooks -----------------------------------------------------------------------------------------------

    protected static String webhookBody(String eventId, String paymentId, String status, long amountMinor, String currency) {
        return """
                {"event_id": "%s", "type": "payment.status_changed", "occurred_at": "%s",
                 "payment": {"id": "pay_%s", "status": "%s", "amount_minor": %d, "currency": "%s", "method": "mobile_money",
                             "failure_reason": null, "metadata": {"payment_id": "%s", "team_slug": "acme"}}}"""
                .formatted(eventId, Instant.now(), paymentId, status, amountMinor, currency, paymentId);
    }

    protected WebTestClient.ResponseSpec deliver(String body, long timestamp, String signature) {
        WebTestClient.RequestBodySpec request = client().post().uri("/api/payments/callback").contentType(MediaType.APPLICATION_JSON);
        if (timestamp > 0) {
            request = request.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        }
        if (signature != null) {
            request = request.header(WebhookSignature.SIGNATURE_HEADER, signature);
        }
        return request.bodyValue(body.getBytes(StandardCharsets.UTF_8)).exchange();
    }

    protected WebTestClient.ResponseSpec deliverSigned(String body) {
        long now = Instant.now().getEpochSecond();
        return deliver(body, now, SIGNER.sign(now, body.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- the payments topic -------------------------------------------------------------------------------------

    /** Every record on the payments topic whose value mentions the payment, after relaying the outbox. */
    protected List<ConsumerRecord<String, byte[]>> paymentEvents(String paymentId) {
        outboxRelay.relayPending();
        // the scheduled relay may hold a row's lease and be sending it: read once every row is acknowledged
        await().atMost(Duration.ofSeconds(20)).until(() -> queryLong("SELECT count(*) FROM event_outbox WHERE published_at IS NULL") == 0);
        String topic = infrastructure.topics().payments();
        Map<String, Object> config = Map.of("bootstrap.servers", infrastructure.kafka().bootstrapServers(),
                "key.deserializer", StringDeserializer.class, "value.deserializer", ByteArrayDeserializer.class,
                "isolation.level", "read_committed");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (new String(record.value(), StandardCharsets.UTF_8).contains(paymentId)) {
                        found.add(record);
                    }
                });
            }
        }
        return found;
    }

    // ---- database -----------------------------------------------------------------------------------------------

    protected String queryString(String sql, Object... params) {
        try (Connection connection = infrastructure.openConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected void execute(String sql, Object... params) {
        try (Connection connection = infrastructure.openConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected long queryLong(String sql, Object... params) {
        String value = queryString(sql, params);
        return value == null ? 0 : Long.parseLong(value);
    }
}
