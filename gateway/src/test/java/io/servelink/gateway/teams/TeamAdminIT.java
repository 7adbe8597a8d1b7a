package io.servelink.gateway.teams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.contracts.events.teams.TeamMember;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import io.servelink.gateway.GatewayIT;
import io.servelink.gateway.audit.OperatorAuditLog;
import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator API of teams against the real broker: a change is one record of the compacted teams topic keyed by
 * the team slug with an increasing version, a removal a tombstone; reads answer what the topic holds; bad input is a
 * 400 naming the field and publishes nothing; every change writes one audit line.
 */
@GatewayIT
@ExtendWith(OutputCaptureExtension.class)
class TeamAdminIT {

    private static final String OPERATOR = TestTokens.platform(PlatformRole.OPERATOR);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    GatewayIT.TestKafka kafka;

    @Test
    void publishesTheTeamKeyedByItsSlugAndReadsItBackFromTheTopic() {
        put("acme", """
                {"name": "Acme", "members": [
                  {"email": "Olivia@Acme.example", "role": "owner", "language": "fr"},
                  {"email": "adam@acme.example", "role": "admin", "language": "en"},
                  {"email": "mia@acme.example", "role": "member"}]}""").expectStatus().isOk()
                .expectBody().jsonPath("$.team_slug").isEqualTo("acme").jsonPath("$.members[0].email").isEqualTo("olivia@acme.example");

        List<ConsumerRecord<String, byte[]>> records = awaitRecords("acme", 1);
        TeamChanged published = new EventCodec().decode(records.getFirst().value(), TeamChanged.class).payload();
        assertThat(published.teamSlug()).isEqualTo("acme");
        assertThat(published.name()).isEqualTo("Acme");
        assertThat(published.members()).containsExactly(new TeamMember("olivia@acme.example", TeamRole.OWNER, "fr"),
                new TeamMember("adam@acme.example", TeamRole.ADMIN, "en"), new TeamMember("mia@acme.example", TeamRole.MEMBER, "en"));

        awaitReadable("acme");
        get("acme").expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Acme")
                .jsonPath("$.version").isEqualTo(published.version())
                .jsonPath("$.members[0].role").isEqualTo("owner")
                .jsonPath("$.members[0].language").isEqualTo("fr")
                .jsonPath("$.members[2].role").isEqualTo("member");
        api().get().uri("/api/admin/teams").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$[?(@.team_slug == 'acme')]").exists();
    }

    @Test
    void eachChangeCarriesAHigherVersionAndADeleteIsATombstone(CapturedOutput output) {
        put("versioned", team("first@versioned.example")).expectStatus().isOk();
        awaitReadable("versioned");
        put("versioned", team("second@versioned.example")).expectStatus().isOk();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("versioned").returnResult(String.class).getResponseBody()
                .blockFirst().contains("second@versioned.example"));
        api().delete().uri("/api/admin/teams/versioned").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .exchange().expectStatus().isNoContent();

        List<ConsumerRecord<String, byte[]>> records = awaitRecords("versioned", 3);
        EventCodec codec = new EventCodec();
        long first = codec.decode(records.get(0).value(), TeamChanged.class).payload().version();
        long second = codec.decode(records.get(1).value(), TeamChanged.class).payload().version();
        assertThat(second).isGreaterThan(first);
        assertThat(records.get(2).value()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("versioned").returnResult(String.class).getStatus().value() == 404);
        api().delete().uri("/api/admin/teams/versioned").header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .exchange().expectStatus().isNotFound();

        assertThat(auditLines(output, "versioned")).extracting(line -> line.get("action"))
                .containsExactly("team.created", "team.changed", "team.deleted");
        assertThat(auditLines(output, "versioned")).allSatisfy(line -> assertThat(line)
                .containsEntry("outcome", "applied").containsEntry("actor", "staff-operator").containsEntry("team_slug", "versioned"));
    }

    @Test
    void refusesBadTeamInputNamingTheFieldAndPublishesNothing(CapturedOutput output) {
        String members201 = IntStream.rangeClosed(1, TeamRequest.MAX_MEMBERS + 1)
                .mapToObj(i -> "{\"email\": \"m" + i + "@big.example\", \"role\": \"member\"}").collect(Collectors.joining(","));
        expectInvalid("Bad_Team", team("a@b.example"), "team_slug");
        expectInvalid("bad-team-", team("a@b.example"), "team_slug");
        expectInvalid("refused", "{\"members\": []}", "name");
        expectInvalid("refused", "{\"name\": \"Refused\"}", "members");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [" + members201 + "]}", "members");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [{\"email\": \"not-an-address\", \"role\": \"owner\"}]}",
                "members[0].email");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [{\"role\": \"owner\"}]}", "members[0].email");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [{\"email\": \"a@b.example\", \"role\": \"boss\"}]}",
                "members[0].role");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [{\"email\": \"a@b.example\", \"role\": \"owner\", "
                + "\"language\": \"de\"}]}", "members[0].language");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [{\"email\": \"a@b.example\", \"role\": \"owner\"}, "
                + "{\"email\": \"A@B.example\", \"role\": \"admin\"}]}", "members[1].email");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": [null]}", "members[0]");
        expectInvalid("refused", "{\"name\": \"Refused\", \"members\": \"everyone\"}", "members");

        put("refused", team("a@b.example"), TestTokens.owner("refused")).expectStatus().isForbidden();
        assertThat(records("refused")).isEmpty();
        assertThat(auditLines(output, "refused")).isEmpty();
    }

    private void expectInvalid(String teamSlug, String json, String field) {
        put(teamSlug, json).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo(field);
    }

    private WebTestClient api() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    private WebTestClient.ResponseSpec put(String teamSlug, String json) {
        return put(teamSlug, json, OPERATOR);
    }

    private WebTestClient.ResponseSpec put(String teamSlug, String json, String token) {
        return api().put().uri("/api/admin/teams/" + teamSlug).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec get(String teamSlug) {
        return api().get().uri("/api/admin/teams/" + teamSlug).header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange();
    }

    private void awaitReadable(String teamSlug) {
        await().atMost(Duration.ofSeconds(10)).until(() -> get(teamSlug).returnResult(String.class).getStatus().value() == 200);
    }

    private List<ConsumerRecord<String, byte[]>> awaitRecords(String key, int count) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            found.clear();
            found.addAll(records(key));
            return found.size() >= count;
        });
        return found;
    }

    /** Every record of the teams topic with this key, in topic order. */
    private List<ConsumerRecord<String, byte[]>> records(String key) {
        String topic = kafka.topics().teams();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> matching = new ArrayList<>();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (key.equals(record.key())) {
                        matching.add(record);
                    }
                });
            }
            return matching;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> auditLines(CapturedOutput output, String teamSlug) {
        return output.getOut().lines()
                .filter(line -> line.contains(OperatorAuditLog.LOGGER) && line.contains("\"team."))
                .map(line -> line.substring(line.indexOf("audit {") + "audit ".length()))
                .map(json -> (Map<String, Object>) JSON.readValue(json, Map.class))
                .filter(line -> teamSlug.equals(line.get("subject_id")))
                .toList();
    }

    private static String team(String ownerEmail) {
        return """
                {"name": "A team", "members": [{"email": "%s", "role": "owner", "language": "en"}]}""".formatted(ownerEmail);
    }
}
