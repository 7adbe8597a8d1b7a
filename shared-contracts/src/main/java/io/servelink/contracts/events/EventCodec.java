package io.servelink.contracts.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON codec for event envelopes. Field names are camelCase, instants ISO-8601 UTC. Unknown fields are
 * ignored so that adding a field to a payload is a compatible change for older consumers.
 */
public final class EventCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Map<Class<?>, JavaType> envelopeTypes = new ConcurrentHashMap<>();

    public byte[] encode(EventEnvelope<?> envelope) {
        return MAPPER.writeValueAsBytes(envelope);
    }

    /**
     * Decodes an envelope whose payload must be of {@code payloadType}.
     *
     * @throws MalformedEventException when the bytes are not such an envelope
     */
    public <T extends Event> EventEnvelope<T> decode(byte[] bytes, Class<T> payloadType) {
        if (bytes == null) {
            throw new MalformedEventException("empty record value");
        }
        JavaType type = envelopeTypes.computeIfAbsent(payloadType,
                t -> MAPPER.getTypeFactory().constructParametricType(EventEnvelope.class, t));
        try {
            EventEnvelope<T> envelope = MAPPER.readValue(bytes, type);
            if (!payloadType.getSimpleName().equals(envelope.type())) {
                throw new MalformedEventException("expected type " + payloadType.getSimpleName() + " but was " + envelope.type());
            }
            return envelope;
        } catch (JacksonException e) {
            throw new MalformedEventException(e.getOriginalMessage());
        }
    }

    /** Thrown for a record a consumer cannot read; consumers count it and skip the record. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
