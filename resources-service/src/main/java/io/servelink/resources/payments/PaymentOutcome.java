package io.servelink.resources.payments;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentEvent;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import java.util.UUID;

/** One event of the payments topic, whatever its type: how a payment ended, for what. */
record PaymentOutcome(UUID eventId, Result result, String paymentId, String teamSlug, PaymentPurpose purpose, String reference) {

    enum Result { COMPLETED, FAILED, CANCELLED }

    /** The outcome of an event the codec decoded to its type. */
    static PaymentOutcome of(EventEnvelope<PaymentEvent> envelope) {
        PaymentEvent payment = envelope.payload();
        Result result = switch (payment) {
            case PaymentCompleted completed -> Result.COMPLETED;
            case PaymentFailed failed -> Result.FAILED;
            case PaymentCancelled cancelled -> Result.CANCELLED;
        };
        return new PaymentOutcome(envelope.eventId(), result, payment.paymentId(), payment.teamSlug(), payment.purpose(),
                payment.reference());
    }
}
