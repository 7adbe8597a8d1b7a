package io.servelink.resources.payments;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One event of the payments topic, whatever its type: how a payment ended, for what. */
record PaymentOutcome(UUID eventId, Result result, String paymentId, String teamSlug, PaymentPurpose purpose, String reference) {

    enum Result { COMPLETED, FAILED, CANCELLED }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Reads a record of the payments topic.
     *
     * @throws EventCodec.MalformedEventException when it is not a payment outcome
     */
    static PaymentOutcome decode(EventCodec codec, byte[] value) {
        String type = typeOf(value);
        return switch (type) {
            case "PaymentCompleted" -> {
                EventEnvelope<PaymentCompleted> e = codec.decode(value, PaymentCompleted.class);
                PaymentCompleted p = e.payload();
                yield new PaymentOutcome(e.eventId(), Result.COMPLETED, p.paymentId(), p.teamSlug(), p.purpose(), p.reference());
            }
            case "PaymentFailed" -> {
                EventEnvelope<PaymentFailed> e = codec.decode(value, PaymentFailed.class);
                PaymentFailed p = e.payload();
                yield new PaymentOutcome(e.eventId(), Result.FAILED, p.paymentId(), p.teamSlug(), p.purpose(), p.reference());
            }
            case "PaymentCancelled" -> {
                EventEnvelope<PaymentCancelled> e = codec.decode(value, PaymentCancelled.class);
                PaymentCancelled p = e.payload();
                yield new PaymentOutcome(e.eventId(), Result.CANCELLED, p.paymentId(), p.teamSlug(), p.purpose(), p.reference());
            }
            default -> throw new EventCodec.MalformedEventException("not a payment outcome: " + type);
        };
    }

    private static String typeOf(byte[] value) {
        if (value == null) {
            throw new EventCodec.MalformedEventException("empty record value");
        }
        try {
            JsonNode type = JSON.readTree(value).get("type");
            if (type == null || !type.isString()) {
                throw new EventCodec.MalformedEventException("no type");
            }
            return type.asString();
        } catch (JacksonException e) {
            throw new EventCodec.MalformedEventException(e.getOriginalMessage());
        }
    }
}
