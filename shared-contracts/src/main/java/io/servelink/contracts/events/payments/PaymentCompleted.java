package io.servelink.contracts.events.payments;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/** Money arrived: the provider confirmed the payment. Key: team slug. */
@Event.Version(1)
public record PaymentCompleted(String paymentId, String teamSlug, PaymentPurpose purpose, String reference,
                               long amountMinor, String currency, String method, Instant completedAt) implements PaymentEvent {
}
