package io.servelink.payment.payment;

import io.servelink.payment.provider.NextAction;
import java.time.Instant;
import java.util.Locale;

/** A payment as the API shows it (snake_case JSON). */
record PaymentView(String paymentId, String teamSlug, String purpose, String reference, String description,
                   long amountMinor, String currency, String paymentMethod, String status, NextAction nextAction,
                   String failureReason, boolean flaggedMismatch, Instant createdAt, Instant updatedAt,
                   Instant settledAt) {

    static PaymentView of(Payment p) {
        return new PaymentView(p.id().toString(), p.teamSlug(), p.purpose().wire().toLowerCase(Locale.ROOT),
                p.reference(), p.description(), p.amountMinor(), p.currency(), p.method().wire(), p.status().wire(),
                p.status().isOpen() ? p.nextAction() : null, p.failureReason(), p.flaggedMismatch(), p.createdAt(),
                p.updatedAt(), p.settledAt());
    }
}
