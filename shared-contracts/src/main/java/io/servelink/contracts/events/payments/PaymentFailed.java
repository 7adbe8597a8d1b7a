package io.servelink.contracts.events.payments;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/** The payment failed at the provider (declined, expired, payer refused). Key: team slug. */
@Event.Version(1)
public record PaymentFailed(String paymentId, String teamSlug, PaymentPurpose purpose, String reference,
                            long amountMinor, String currency, String reason, Instant failedAt) implements PaymentEvent {
}
