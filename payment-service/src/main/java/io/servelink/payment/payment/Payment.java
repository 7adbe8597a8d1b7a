package io.servelink.payment.payment;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.payment.provider.NextAction;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A team's payment and its state machine: {@code pending → processing → completed | failed | cancelled}
 * (pending may also end directly). Transitions return the changed payment together with the event they
 * cause; a transition the machine does not allow throws {@link IllegalTransitionException}. Only a move into
 * a final status causes an event, so a payment publishes at most one.
 */
public record Payment(UUID id, String teamSlug, PaymentPurpose purpose, String reference, String description,
                      long amountMinor, String currency, PaymentMethod method, String payerPhone,
                      PaymentStatus status, String idempotencyKey, String providerPaymentId, NextAction nextAction,
                      String failureReason, boolean flaggedMismatch, String initiatedBy,
                      Instant createdAt, Instant updatedAt, Instant settledAt) {

    public Payment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
    }

    /** A new payment, not yet sent to the provider; its id is the idempotency key of the provider call. */
    static Payment start(UUID id, String teamSlug, PaymentPurpose purpose, String reference, String description,
                         long amountMinor, String currency, PaymentMethod method, String payerPhone, String initiatedBy,
                         Instant now) {
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                PaymentStatus.PENDING, id.toString(), null, null, null, false, initiatedBy, now, now, null);
    }

    /** The change a transition made, and the event it causes (present only for a final status). */
    public record Transition(Payment payment, Optional<Event> event) {
    }

    /** The provider accepted the payment: remember its id and what the payer must do. */
    Payment acceptedByProvider(String providerId, NextAction next, Instant now) {
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerId, next, failureReason, flaggedMismatch, initiatedBy, createdAt, now,
                settledAt);
    }

    Transition markProcessing(Instant now) {
        return moveTo(PaymentStatus.PROCESSING, null, now);
    }

    Transition complete(Instant now) {
        return moveTo(PaymentStatus.COMPLETED, null, now);
    }

    Transition fail(String reason, Instant now) {
        return moveTo(PaymentStatus.FAILED, reason == null ? "unknown" : reason, now);
    }

    Transition cancel(Instant now) {
        return moveTo(PaymentStatus.CANCELLED, null, now);
    }

    Payment flagMismatch(Instant now) {
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerPaymentId, nextAction, failureReason, true, initiatedBy, createdAt, now,
                settledAt);
    }

    /** The outcome of applying a provider report, with the transition when the payment changed. */
    public record Settlement(SettlementOutcome outcome, Payment payment, Optional<Event> event) {
    }

    /**
     * Applies what the provider reports: a money mismatch flags the payment and changes nothing else; the same
     * status is a no-op; a forward move is applied; a backward or post-final move is ignored (late or
     * out-of-order delivery).
     */
    Settlement settle(ReportedStatus reported, Instant now) {
        if (reported.amountMinor() != null && reported.amountMinor() != amountMinor
                || reported.currency() != null && !reported.currency().equalsIgnoreCase(currency)) {
            return new Settlement(SettlementOutcome.FLAGGED_MISMATCH, flagMismatch(now), Optional.empty());
        }
        if (reported.status() == status) {
            return new Settlement(SettlementOutcome.UNCHANGED, this, Optional.empty());
        }
        if (!status.canMoveTo(reported.status())) {
            return new Settlement(SettlementOutcome.IGNORED_OUT_OF_ORDER, this, Optional.empty());
        }
        Transition transition = moveTo(reported.status(), reported.failureReason() == null && reported.status() == PaymentStatus.FAILED
                ? "declined" : reported.failureReason(), now);
        return new Settlement(SettlementOutcome.APPLIED, transition.payment(), transition.event());
    }

    private Transition moveTo(PaymentStatus next, String reason, Instant now) {
        if (!status.canMoveTo(next)) {
            throw new IllegalTransitionException(status, next);
        }
        Instant settled = next.isTerminal() ? now : null;
        Payment moved = new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method,
                payerPhone, next, idempotencyKey, providerPaymentId, next.isOpen() ? nextAction : null,
                next == PaymentStatus.FAILED ? reason : null, flaggedMismatch, initiatedBy, createdAt, now, settled);
        return new Transition(moved, Optional.ofNullable(moved.eventFor(next, now)));
    }

    private Event eventFor(PaymentStatus next, Instant now) {
        String paymentId = id.toString();
        return switch (next) {
            case COMPLETED -> new PaymentCompleted(paymentId, teamSlug, purpose, reference, amountMinor, currency,
                    method.wire(), now);
            case FAILED -> new PaymentFailed(paymentId, teamSlug, purpose, reference, amountMinor, currency,
                    failureReason, now);
            case CANCELLED -> new PaymentCancelled(paymentId, teamSlug, purpose, reference, amountMinor, currency, now);
            case PENDING, PROCESSING -> null;
        };
    }
}
