package io.servelink.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

class EventCodecTest {

    private static final UUID ID = UUID.fromString("7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11");

    private final EventCodec codec = new EventCodec();

    @Test
    void readsBackWhatItWrites() {
        EventEnvelope<TrafficRecorded> envelope = EventEnvelope.of(ID, new TrafficRecorded("hello",
                Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T10:00:05.012345678Z"), 7, 250_000, 3),
                Instant.parse("2026-11-24T10:00:05.012Z"));

        assertThat(codec.decode(codec.encode(envelope), TrafficRecorded.class)).isEqualTo(envelope);
    }

    @Test
    void readsTrafficAsJacksonBindsIt() {
        String json = """
                {"version": 1, "payload": {"requests": 2, "extra": {"nested": [1, {"a": null}]}, "projectId": "p",
                 "windowEnd": "2026-02-28T23:59:59.5Z", "responseBytes": 9000000000, "windowStart": "2026-02-28T23:59:54+00:00",
                 "requestBytes": 0}, "type": "TrafficRecorded", "eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11",
                 "occurredAt": "2026-12-31T23:59:59.999999999Z", "addedLater": "ignored"}
                """;

        assertThat(codec.decode(bytes(json), TrafficRecorded.class)).isEqualTo(jackson(json));
    }

    @Test
    void readsOtherPayloadsWithJackson() {
        EventEnvelope<ProjectChanged> envelope = EventEnvelope.of(ID, new ProjectChanged("p", "acme", List.of("a.apps.localhost"),
                URI.create("http://up:80"), ProjectStatus.ACTIVE), Instant.parse("2026-11-24T10:00:05Z"));

        assertThat(codec.decode(codec.encode(envelope), ProjectChanged.class)).isEqualTo(envelope);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-11-24T10:00:05Z", "2026-11-24T10:00:05.1Z", "2026-11-24T10:00:05.123456789Z", "2024-02-29T00:00:00Z",
            "2026-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2026-11-24T10:00:05+02:00", "2026-06-30T23:59:60Z",
            "2026-11-24T24:00:00Z", "2026-11-24T10:00:05.Z"})
    void readsInstantsAsTheJdkDoes(String text) {
        assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-24T10:00:05.1234567891Z", "2026-11-24 10:00:05Z", "2026-11-24T10:00:05"})
    void refusesWhatTheJdkRefuses(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(java.time.DateTimeException.class);
        assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(java.time.DateTimeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{not json",
            "null",
            "[]",
            "{}",
            // trailing content
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z"}} {}""",
            // another payload type
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "ProjectChanged", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p"}}""",
            // no project
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z"}}""",
            // negative bytes
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z",
             "requestBytes": -1}}""",
            // bytes beyond a long
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z",
             "requestBytes": 9223372036854775808}}""",
            // bytes as text
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z",
             "requestBytes": "12"}}""",
            // no event id
            """
            {"type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z", "version": 1, "payload": {"projectId": "p",
             "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z"}}""",
            // not an instant
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "yesterday", "version": 1,
             "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z"}}""",
            // truncated
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowE"""})
    void refusesWhatIsNotATrafficEnvelope(String json) {
        assertThatThrownBy(() -> codec.decode(bytes(json), TrafficRecorded.class)).isInstanceOf(EventCodec.MalformedEventException.class);
    }

    private static EventEnvelope<TrafficRecorded> jackson(String json) {
        JsonMapper mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        return mapper.readValue(json, mapper.getTypeFactory().constructParametricType(EventEnvelope.class, TrafficRecorded.class));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
