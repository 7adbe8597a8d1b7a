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
 * cause; a transition the machine does not allow throws {@link IllegalTransitionException}. A move into a
 * final status causes an event.
 *
 * <p>The payment also keeps what the provider itself said: whether it ever acknowledged the idempotency key
 * ({@code reachedProvider}) and the last status it reported ({@code providerStatus}). A payment the platform
 * closed by its own inference (the create never reached the provider, it expired, a cancel the provider did
 * not know) has no final status from the provider; when the provider later reports it completed, the money was
 * taken, so it completes after all and causes a second event, {@code PaymentCompleted}. A report contradicting
 * a final status the provider reported before changes nothing and marks the payment for an operator
 * ({@code reviewReason}), who can refund it.
 */
public record Payment(UUID id, String teamSlug, PaymentPurpose purpose, String reference, String description,
                      long amountMinor, String currency, PaymentMethod method, String payerPhone,
                      PaymentStatus status, String idempotencyKey, String providerPaymentId, NextAction nextAction,
                      String failureReason, boolean flaggedMismatch, String initiatedBy,
                      Instant createdAt, Instant updatedAt, Instant settledAt,
                      boolean reachedProvider, PaymentStatus providerStatus, String reviewReason,
                      String refundId, String refundStatus) {

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
                PaymentStatus.PENDING, id.toString(), null, null, null, false, initiatedBy, now, now, null,
                false, null, null, null, null);
    }

    /** The change a transition made, and the event it causes (present only for a final status). */
    public record Transition(Payment payment, Optional<Event> event) {
    }

    /** The provider accepted the payment: remember its id and what the payer must do. */
    Payment acceptedByProvider(String providerId, NextAction next, Instant now) {
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerId, next, failureReason, flaggedMismatch, initiatedBy, createdAt, now,
                settledAt, true, providerStatus, reviewReason, refundId, refundStatus);
    }

    /** The provider acknowledged the idempotency key (a create "in flight", a lookup that found it): it was reached. */
    Payment reachedProvider(Instant now) {
        return reachedProvider ? this : new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency,
                method, payerPhone, status, idempotencyKey, providerPaymentId, nextAction, failureReason, flaggedMismatch,
                initiatedBy, createdAt, now, settledAt, true, providerStatus, reviewReason, refundId, refundStatus);
    }

    /** Marks the payment for an operator; the first reason stays, later ones are only logged. */
    Payment forReview(String reason, Instant now) {
        if (reviewReason != null) {
            return this;
        }
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerPaymentId, nextAction, failureReason, flaggedMismatch, initiatedBy, createdAt,
                now, settledAt, reachedProvider, providerStatus, reason, refundId, refundStatus);
    }

    /** A refund started at the provider by an operator, and where it stands there. */
    Payment refunded(String newRefundId, String newRefundStatus, Instant now) {
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerPaymentId, nextAction, failureReason, flaggedMismatch, initiatedBy, createdAt,
                now, settledAt, reachedProvider, providerStatus, reviewReason, newRefundId, newRefundStatus);
    }

    /** Whether the platform closed this payment itself, with no final status from the provider behind it. */
    public boolean closedByInference() {
        return status.isTerminal() && (providerStatus == null || providerStatus.isOpen());
    }

    private Payment reportedByProvider(PaymentStatus reported, Instant now) {
        if (reported == providerStatus) {
            return this;
        }
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerPaymentId, nextAction, failureReason, flaggedMismatch, initiatedBy, createdAt,
                now, settledAt, true, reported, reviewReason, refundId, refundStatus);
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

    /**
     * The platform fails the payment by its own inference ({@code never_reached_provider}, {@code expired}).
     * {@code providerAnswer} is what the provider answered to a cancel sent first ({@code cancelled}), or null.
     */
    Transition closeByInference(String reason, PaymentStatus providerAnswer, Instant now) {
        Payment known = providerAnswer == null ? this : reportedByProvider(providerAnswer, now);
        return known.moveTo(PaymentStatus.FAILED, reason, now);
    }

    Transition cancel(Instant now) {
        return moveTo(PaymentStatus.CANCELLED, null, now);
    }

    Payment flagMismatch(Instant now) {
        return new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method, payerPhone,
                status, idempotencyKey, providerPaymentId, nextAction, failureReason, true, initiatedBy, createdAt, now,
                settledAt, reachedProvider, providerStatus, reviewReason, refundId, refundStatus);
    }

    /** The outcome of applying a provider report, with the transition when the payment changed. */
    public record Settlement(SettlementOutcome outcome, Payment payment, Optional<Event> event) {
    }

    /**
     * Applies what the provider reports, in this order: a money mismatch flags the payment and changes nothing
     * else; a final status that contradicts another final status the provider reported before changes nothing and
     * marks the payment for review when money is involved (completed against failed or cancelled); the same status is a no-op; a forward move is applied; {@code completed} for a
     * payment the platform closed by inference completes it after all ({@link SettlementOutcome#COMPLETED_LATE});
     * any other backward or post-final move is ignored (late or out-of-order delivery). The provider's own status
     * is remembered whatever the outcome, except for a mismatch or a contradiction.
     */
    Settlement settle(ReportedStatus reported, Instant now) {
        if (reported.amountMinor() != null && reported.amountMinor() != amountMinor
                || reported.currency() != null && !reported.currency().equalsIgnoreCase(currency)) {
            return new Settlement(SettlementOutcome.FLAGGED_MISMATCH, flagMismatch(now), Optional.empty());
        }
        PaymentStatus next = reported.status();
        if (providerStatus != null && providerStatus.isTerminal() && next.isTerminal() && next != providerStatus
                && (next == PaymentStatus.COMPLETED || providerStatus == PaymentStatus.COMPLETED)) {
            return new Settlement(SettlementOutcome.FLAGGED_CONTRADICTION,
                    forReview("provider reported " + next.wire() + " after " + providerStatus.wire(), now), Optional.empty());
        }
        Payment known = reportedByProvider(next, now);
        if (next == status) {
            return new Settlement(SettlementOutcome.UNCHANGED, known, Optional.empty());
        }
        if (status.canMoveTo(next)) {
            Transition transition = known.moveTo(next, reported.failureReason() == null && next == PaymentStatus.FAILED
                    ? "declined" : reported.failureReason(), now);
            return new Settlement(SettlementOutcome.APPLIED, transition.payment(), transition.event());
        }
        if (next == PaymentStatus.COMPLETED && closedByInference()) {
            Payment completed = new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method,
                    payerPhone, PaymentStatus.COMPLETED, idempotencyKey, providerPaymentId, null, null, flaggedMismatch,
                    initiatedBy, createdAt, now, now, true, PaymentStatus.COMPLETED, reviewReason, refundId, refundStatus);
            return new Settlement(SettlementOutcome.COMPLETED_LATE, completed,
                    Optional.of(completed.eventFor(PaymentStatus.COMPLETED, now)));
        }
        return new Settlement(SettlementOutcome.IGNORED_OUT_OF_ORDER, known, Optional.empty());
    }

    private Transition moveTo(PaymentStatus next, String reason, Instant now) {
        if (!status.canMoveTo(next)) {
            throw new IllegalTransitionException(status, next);
        }
        Instant settled = next.isTerminal() ? now : null;
        Payment moved = new Payment(id, teamSlug, purpose, reference, description, amountMinor, currency, method,
                payerPhone, next, idempotencyKey, providerPaymentId, next.isOpen() ? nextAction : null,
                next == PaymentStatus.FAILED ? reason : null, flaggedMismatch, initiatedBy, createdAt, now, settled,
                reachedProvider, providerStatus, reviewReason, refundId, refundStatus);
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
