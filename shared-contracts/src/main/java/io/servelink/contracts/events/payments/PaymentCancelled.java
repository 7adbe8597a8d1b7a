package io.servelink.contracts.events.payments;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/** The team cancelled a pending payment (also at the provider). Key: team slug. */
@Event.Version(1)
public record PaymentCancelled(String paymentId, String teamSlug, PaymentPurpose purpose, String reference,
                               long amountMinor, String currency, Instant cancelledAt) implements PaymentEvent {
}
