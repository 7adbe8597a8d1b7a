package io.servelink.contracts.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentEvent;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
    void readsTheCanonicalFormByteByByteAsJacksonBindsIt() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            Instant start = Instant.ofEpochSecond(random.nextLong(4_102_444_800L), random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            long bytes = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(10);
                case 2 -> random.nextLong(999_999_999_999_999_999L);
                default -> Long.MAX_VALUE - random.nextInt(10); // 19 digits: read by the token reader
            };
            EventEnvelope<TrafficRecorded> envelope = EventEnvelope.of(UUID.randomUUID(), new TrafficRecorded("p-" + random.nextInt(1_000) + ".x",
                    start, start.plusMillis(random.nextInt(10_000)), bytes, random.nextInt(1_000), random.nextInt(100)), start);
            byte[] encoded = codec.encode(envelope);

            assertThat(codec.decode(encoded, TrafficRecorded.class)).isEqualTo(envelope).isEqualTo(jackson(new String(encoded, StandardCharsets.UTF_8)));
            if (i % 4 != 3) {
                assertThat(CanonicalTrafficReader.read(encoded)).as("read byte by byte").isEqualTo(envelope);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // a space
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1, "responseBytes":2,"requests":3}}""",
            // an escaped character
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"\\u0070-q","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3}}""",
            // a non-ASCII character
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"café","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3}}""",
            // a field added by a newer producer
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3,"region":"eu"}}""",
            // fields in another order
            """
            {"type":"TrafficRecorded","eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3}}"""})
    void readsOtherFormsWithTheTokenReader(String json) {
        assertThat(CanonicalTrafficReader.read(bytes(json))).isNull();
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
    @ValueSource(strings = {"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "00000000-0000-0000-0000-000000000000",
            "8000000a-000b-000c-000d-00000000000e", "1-2-3-4-5"})
    void readsUuidsAsTheJdkDoes(String text) {
        assertThat(Uuids.parse(text.toCharArray(), 0, text.length())).isEqualTo(UUID.fromString(text));
    }

    @Test
    void readsRandomUuidsAsTheJdkDoes() {
        for (int i = 0; i < 1_000; i++) {
            String text = UUID.randomUUID().toString();
            char[] padded = ("[" + text + "]").toCharArray();
            assertThat(Uuids.parse(padded, 1, text.length())).isEqualTo(UUID.fromString(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e1g", "7d1c2f0e+7a53-4c5e-9d0c-4d1f9a2b8e11", "", "7d1c2f0e"})
    void refusesWhatIsNotAUuid(String text) {
        assertThatThrownBy(() -> Uuids.parse(text.toCharArray(), 0, text.length())).isInstanceOf(IllegalArgumentException.class);
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
            // a leading zero
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":01,"responseBytes":2,"requests":3}}""",
            // canonical, but February 30
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-02-30T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3}}""",
            // canonical, but not a UUID
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e1z","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3}}""",
            // canonical up to the end, then more
            """
            {"eventId":"7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11","type":"TrafficRecorded","occurredAt":"2026-11-24T10:00:05Z","version":1,\
            "payload":{"projectId":"p","windowStart":"2026-11-24T10:00:00Z","windowEnd":"2026-11-24T10:00:05Z","requestBytes":1,"responseBytes":2,"requests":3}}}""",
            // truncated
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowE"""})
    void refusesWhatIsNotATrafficEnvelope(String json) {
        assertThatThrownBy(() -> codec.decode(bytes(json), TrafficRecorded.class)).isInstanceOf(EventCodec.MalformedEventException.class);
    }

    // ---- a topic of several payload types, decoded to its sealed family ----------------------------------------

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    static List<PaymentEvent> paymentOutcomes() {
        return List.of(
                new PaymentCompleted("pay-1", "acme", PaymentPurpose.PLAN_UPGRADE, "plan:pro", 900, "EUR", "mobile_money", AT),
                new PaymentFailed("pay-2", "acme", PaymentPurpose.ADDON, "addon:x", 100, "EUR", "declined", AT),
                new PaymentCancelled("pay-3", "acme", PaymentPurpose.RENEWAL, "plan:pro", 900, "EUR", AT));
    }

    @ParameterizedTest
    @MethodSource("paymentOutcomes")
    void decodesARecordOfAMixedTopicToTheEventItsTypeNames(PaymentEvent event) {
        EventEnvelope<PaymentEvent> envelope = EventEnvelope.of(ID, event, AT);

        EventEnvelope<PaymentEvent> decoded = codec.decode(codec.encode(envelope), PaymentEvent.class);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.payload()).isExactlyInstanceOf(event.getClass());
    }

    @Test
    void bindsAFamilysPayloadThatComesBeforeItsType() {
        String json = """
                {"payload": {"paymentId": "pay-2", "teamSlug": "acme", "purpose": "ADDON", "reference": "addon:x",
                 "amountMinor": 100, "currency": "EUR", "reason": "declined", "failedAt": "2026-11-24T10:00:00Z"},
                 "version": 1, "occurredAt": "2026-11-24T10:00:00Z", "type": "PaymentFailed",
                 "eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11"}""";

        assertThat(codec.decode(bytes(json), PaymentEvent.class).payload()).isEqualTo(paymentOutcomes().get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // another topic's event
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "TrafficRecorded", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"projectId": "p", "windowStart": "2026-11-24T10:00:00Z", "windowEnd": "2026-11-24T10:00:05Z",
             "requestBytes": 1, "responseBytes": 2, "requests": 3}}""",
            // the family's own name is no type
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "PaymentEvent", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"paymentId": "pay-1"}}""",
            // no type
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "occurredAt": "2026-11-24T10:00:05Z", "version": 1,
             "payload": {"paymentId": "pay-1", "teamSlug": "acme", "purpose": "ADDON", "reference": "r", "amountMinor": 1,
             "currency": "EUR", "cancelledAt": "2026-11-24T10:00:00Z"}}""",
            // a payload that is not the type's (a purpose no payment has)
            """
            {"eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11", "type": "PaymentCancelled", "occurredAt": "2026-11-24T10:00:05Z",
             "version": 1, "payload": {"paymentId": "pay-1", "teamSlug": "acme", "purpose": "FREE_MONEY", "reference": "r",
             "amountMinor": 1, "currency": "EUR", "cancelledAt": "2026-11-24T10:00:00Z"}}""",
            // a payload before an unknown type
            """
            {"payload": {"paymentId": "pay-1"}, "type": "PaymentRefunded", "eventId": "7d1c2f0e-7a53-4c5e-9d0c-4d1f9a2b8e11",
             "occurredAt": "2026-11-24T10:00:05Z", "version": 1}""",
            "null", "[]", "{}"})
    void refusesWhatIsNotAnEventOfTheFamily(String json) {
        assertThatThrownBy(() -> codec.decode(bytes(json), PaymentEvent.class)).isInstanceOf(EventCodec.MalformedEventException.class);
    }

    @Test
    void aRecordTypeStillTakesOnlyItself() {
        byte[] failed = codec.encode(EventEnvelope.of(ID, paymentOutcomes().get(1), AT));

        assertThatThrownBy(() -> codec.decode(failed, PaymentCompleted.class)).isInstanceOf(EventCodec.MalformedEventException.class);
    }

    private static EventEnvelope<TrafficRecorded> jackson(String json) {
        JsonMapper mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        return mapper.readValue(json, mapper.getTypeFactory().constructParametricType(EventEnvelope.class, TrafficRecorded.class));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
