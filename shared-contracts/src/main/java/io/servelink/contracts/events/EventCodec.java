package io.servelink.contracts.events;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON codec for event envelopes. Field names are camelCase, instants ISO-8601 UTC. Unknown fields are
 * ignored so that adding a field to a payload is a compatible change for older consumers.
 *
 * <p>Decoding reads the envelope as a token stream and checks its {@code type} before the payload is bound.
 * {@code TrafficRecorded}, the high-volume payload (a gateway sends one per project and window, usage-service reads
 * hundreds of thousands per second), has hand-written readers: {@link CanonicalTrafficReader} for documents exactly
 * as {@link #encode} writes them, {@link TrafficRecordedReader} on the token stream for any other; other payloads
 * are bound by Jackson. All accept and refuse the same documents.
 *
 * <p>A topic that carries several payload types is decoded to its family, a sealed interface such as
 * {@link io.servelink.contracts.events.payments.PaymentEvent}: the envelope's {@code type} names the permitted record the
 * payload is bound to, and the consumer switches over the records.
 */
public final class EventCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Payloads are bound from the middle of the envelope's token stream: what follows them is not "trailing". */
    private static final ObjectReader PAYLOAD_BINDER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Payload type names ({@code Class.getSimpleName()} is not cached by the JDK and showed in profiles). */
    private static final ClassValue<String> TYPE_NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return type.getSimpleName();
        }
    };

    /** The payload types of a sealed family by their type names: every permitted record, sub-families included. */
    private static final ClassValue<Map<String, Class<?>>> FAMILIES = new ClassValue<>() {
        @Override
        protected Map<String, Class<?>> computeValue(Class<?> family) {
            Map<String, Class<?>> members = new java.util.TreeMap<>();
            collect(family, members);
            return Map.copyOf(members);
        }

        private static void collect(Class<?> type, Map<String, Class<?>> members) {
            if (type.isSealed()) {
                for (Class<?> permitted : type.getPermittedSubclasses()) {
                    collect(permitted, members);
                }
            } else if (!type.isInterface()) {
                members.put(type.getSimpleName(), type);
            }
        }
    };

    private static final Map<Class<?>, PayloadReader<?>> READERS = Map.of(TrafficRecorded.class, TrafficRecordedReader::read);

    public byte[] encode(EventEnvelope<?> envelope) {
        return MAPPER.writeValueAsBytes(envelope);
    }

    /**
     * Decodes an envelope whose payload must be of {@code payloadType}: a payload record, or a sealed interface whose
     * permitted record the envelope's {@code type} names.
     *
     * @throws MalformedEventException when the bytes are not such an envelope
     */
    public <T extends Event> EventEnvelope<T> decode(byte[] bytes, Class<T> payloadType) {
        if (bytes == null) {
            throw new MalformedEventException("empty record value");
        }
        try {
            EventEnvelope<T> canonical = readCanonical(bytes, payloadType);
            return canonical != null ? canonical : readEnvelope(bytes, payloadType);
        } catch (JacksonException e) {
            throw new MalformedEventException(e.getOriginalMessage());
        } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
            // a missing field or a value out of range (record constructors, UUID and instant parsing)
            throw new MalformedEventException(String.valueOf(e.getMessage()));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Event> EventEnvelope<T> readCanonical(byte[] bytes, Class<T> payloadType) {
        return payloadType == TrafficRecorded.class ? (EventEnvelope<T>) CanonicalTrafficReader.read(bytes) : null;
    }

    private static <T extends Event> EventEnvelope<T> readEnvelope(byte[] bytes, Class<T> payloadType) {
        try (JsonParser parser = MAPPER.createParser(bytes)) {
            return readEnvelope(parser, payloadType);
        }
    }

    private static <T extends Event> EventEnvelope<T> readEnvelope(JsonParser parser, Class<T> payloadType) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedEventException("an event envelope is a JSON object");
        }
        UUID eventId = null;
        String type = null;
        Class<? extends T> boundType = payloadType.isSealed() ? null : payloadType;
        Instant occurredAt = null;
        int version = 0;
        T payload = null;
        JsonNode unboundPayload = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "eventId" -> eventId = uuid(parser, field);
                case "type" -> {
                    type = string(parser, field);
                    boundType = payloadTypeNamed(payloadType, type);
                }
                case "occurredAt" -> occurredAt = instant(parser, field);
                case "version" -> version = parser.getIntValue();
                case "payload" -> {
                    if (boundType != null) {
                        payload = readPayload(parser, boundType);
                    } else {
                        unboundPayload = PAYLOAD_BINDER.forType(JsonNode.class).readValue(parser); // a family's payload before its type: bound below
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            throw new MalformedEventException("trailing content after the envelope");
        }
        if (type == null) {
            throw new MalformedEventException("the envelope has no type");
        }
        if (unboundPayload != null) {
            payload = MAPPER.treeToValue(unboundPayload, boundType);
        }
        return new EventEnvelope<>(eventId, type, occurredAt, version, payload);
    }

    /** The payload type {@code type} names: {@code payloadType} itself, or one of its family's records. */
    @SuppressWarnings("unchecked")
    private static <T extends Event> Class<? extends T> payloadTypeNamed(Class<T> payloadType, String type) {
        if (!payloadType.isSealed()) {
            requireType(TYPE_NAMES.get(payloadType), type);
            return payloadType;
        }
        Map<String, Class<?>> members = FAMILIES.get(payloadType);
        Class<?> member = members.get(type);
        if (member == null) {
            throw new MalformedEventException("expected one of " + members.keySet() + " but was " + type);
        }
        return (Class<? extends T>) member;
    }

    private static void requireType(String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new MalformedEventException("expected type " + expected + " but was " + actual);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T readPayload(JsonParser parser, Class<T> payloadType) {
        PayloadReader<?> reader = READERS.get(payloadType);
        if (reader != null) {
            return (T) reader.read(parser);
        }
        return PAYLOAD_BINDER.forType(payloadType).readValue(parser);
    }

    /** The current token as a string; anything but a JSON string (null included) is malformed. */
    static String string(JsonParser parser, String field) {
        requireString(parser, field);
        return parser.getString();
    }

    /** The current token as an instant, read from the parser's buffer. */
    static Instant instant(JsonParser parser, String field) {
        requireString(parser, field);
        return IsoInstants.parse(parser.getStringCharacters(), parser.getStringOffset(), parser.getStringLength());
    }

    private static UUID uuid(JsonParser parser, String field) {
        requireString(parser, field);
        return Uuids.parse(parser.getStringCharacters(), parser.getStringOffset(), parser.getStringLength());
    }

    private static void requireString(JsonParser parser, String field) {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new MalformedEventException(field + " must be a string");
        }
    }

    /** The current token as a long; anything but a JSON integer (null included) is malformed. */
    static long integer(JsonParser parser, String field) {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedEventException(field + " must be an integer");
        }
        return parser.getLongValue();
    }

    /** Reads a payload object; the parser is on its START_OBJECT (or VALUE_NULL) and is left on its END_OBJECT. */
    @FunctionalInterface
    interface PayloadReader<T> {
        T read(JsonParser parser);
    }

    /** Thrown for a record a consumer cannot read; consumers count it and skip the record. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
