package io.servelink.payment.payment;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.starter.outbox.Outbox;
import io.servelink.payment.invoice.Invoices;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Applies what the provider reports (webhook, reconciliation, a refused cancel) to a payment through its state
 * machine, in one transaction with the row locked: the state change, its event in the outbox and, for a
 * completion, the invoice. Because the event is appended only when the locked row actually moves into a final
 * status, a redelivered or racing report can never publish twice.
 */
@Component
public class PaymentSettlement {

    private static final Logger log = LoggerFactory.getLogger(PaymentSettlement.class);

    private final PaymentRepository payments;
    private final Outbox outbox;
    private final TopicNames topics;
    private final Invoices invoices;
    private final TransactionalOperator transactions;
    private final Clock clock;
    private final MeterRegistry meters;

    PaymentSettlement(PaymentRepository payments, Outbox outbox, TopicNames topics, Invoices invoices,
                      TransactionalOperator transactions, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.payments = payments;
        this.outbox = outbox;
        this.topics = topics;
        this.invoices = invoices;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Which payment a report is about: our id (from the metadata we sent) and/or the provider's id, which is unique per
     * provider ({@code provider} is the adapter's name; it only matters when our id is missing).
     */
    public record PaymentRef(UUID paymentId, String providerPaymentId, String provider) {

        /** A report about a payment whose id we know. */
        public PaymentRef(UUID paymentId, String providerPaymentId) {
            this(java.util.Objects.requireNonNull(paymentId, "paymentId"), providerPaymentId, null);
        }
    }

    /** What applying a report did, and the payment's status afterwards (null for an unknown payment). */
    public record Result(SettlementOutcome outcome, UUID paymentId, PaymentStatus status) {
    }

    /** Applies a report; joins the caller's transaction when there is one. */
    public Mono<Result> apply(PaymentRef ref, ReportedStatus reported, String source) {
        return lock(ref)
                .flatMap(payment -> settle(payment, ref, reported, source))
                .defaultIfEmpty(new Result(SettlementOutcome.UNKNOWN_PAYMENT, ref.paymentId(), null))
                .as(transactions::transactional);
    }

    private Mono<Payment> lock(PaymentRef ref) {
        if (ref.paymentId() != null) {
            return payments.lockById(ref.paymentId()).filter(p -> ref.providerPaymentId() == null
                    || p.providerPaymentId() == null || p.providerPaymentId().equals(ref.providerPaymentId()));
        }
        return ref.providerPaymentId() == null || ref.provider() == null ? Mono.empty()
                : payments.lockByProviderId(ref.provider(), ref.providerPaymentId());
    }

    private Mono<Result> settle(Payment locked, PaymentRef ref, ReportedStatus reported, String source) {
        Payment payment = locked.providerPaymentId() == null && ref.providerPaymentId() != null
                ? locked.acceptedByProvider(ref.providerPaymentId(), locked.nextAction(), clock.instant())
                : locked;
        Payment.Settlement settlement = payment.settle(reported, clock.instant());
        switch (settlement.outcome()) {
            case APPLIED, UNCHANGED -> { }
            case COMPLETED_LATE -> log.warn("Payment {} was {} ({}) by the platform's own inference; {} reports it completed: "
                    + "completed now", payment.id(), payment.status().wire(), payment.failureReason(), source);
            default -> log.warn("Payment {} ({}): {} reported {}; outcome {}", payment.id(), payment.status().wire(), source,
                    reported.status().wire(), settlement.outcome().wire());
        }
        if (settlement.outcome() == SettlementOutcome.COMPLETED_LATE) {
            meters.counter("servelink.payments.completed.late").increment();
        }
        Mono<Payment> stored = settlement.payment().equals(locked) ? Mono.just(locked)
                : settlement.outcome() == SettlementOutcome.COMPLETED_LATE ? storeLateCompletion(settlement)
                : store(settlement.payment(), settlement.event());
        return stored.map(p -> new Result(settlement.outcome(), p.id(), p.status()));
    }

    /**
     * A late completion whose caller Idempotency-Key a newer live payment holds (a renewal started again after this one
     * was closed) would pay twice for one thing: it completes, and is marked for an operator to refund one of them.
     */
    private Mono<Payment> storeLateCompletion(Payment.Settlement settlement) {
        Payment late = settlement.payment();
        return payments.releaseClientKeyIfTaken(late.id())
                .map(taken -> taken ? late.forReview("completed late while a newer payment for the same purchase was live",
                        clock.instant()) : late)
                .flatMap(p -> store(p, settlement.event()));
    }

    /** Records that the provider holds the payment's idempotency key (it answered "in flight" for it). */
    public Mono<Void> markReached(UUID paymentId) {
        return payments.lockById(paymentId)
                .filter(p -> !p.reachedProvider())
                .flatMap(p -> payments.update(p.reachedProvider(clock.instant())))
                .as(transactions::transactional)
                .then();
    }

    /**
     * A refund's status as the provider reports it ({@code refund.status_changed}); the payment's refund is updated
     * when the refund id is the one recorded (or none is).
     */
    public Mono<Result> refundReported(String provider, String providerPaymentId, String refundId, String status) {
        if (providerPaymentId == null || refundId == null || !PaymentReview.REFUND_STATUSES.contains(status)) {
            return Mono.just(new Result(SettlementOutcome.UNKNOWN_PAYMENT, null, null));
        }
        return payments.lockByProviderId(provider, providerPaymentId)
                .flatMap(p -> p.refundId() != null && !p.refundId().equals(refundId)
                        ? Mono.just(new Result(SettlementOutcome.IGNORED_OUT_OF_ORDER, p.id(), p.status()))
                        : status.equals(p.refundStatus()) ? Mono.just(new Result(SettlementOutcome.UNCHANGED, p.id(), p.status()))
                        : payments.update(p.refunded(refundId, status, clock.instant()))
                                .map(u -> new Result(SettlementOutcome.APPLIED, u.id(), u.status())))
                .defaultIfEmpty(new Result(SettlementOutcome.UNKNOWN_PAYMENT, null, null))
                .as(transactions::transactional);
    }

    /** Why the platform closes a payment by its own inference, with no final status from the provider. */
    public enum Inference {
        /** The provider has no record of the idempotency key and never acknowledged it. */
        NEVER_REACHED("never_reached_provider"),
        /** The payment stayed open past {@code reconciliation.expire-after}. */
        EXPIRED("expired");

        private final String reason;

        Inference(String reason) {
            this.reason = reason;
        }
    }

    /**
     * Fails an open payment by the platform's own inference, with what the provider answered to a cancel sent first
     * ({@code cancelled}; null when it was not asked or did not know the payment). A payment no longer open is left as
     * it is, and so is one the provider acknowledged meanwhile when the inference is that it never got it.
     */
    public Mono<Result> close(UUID paymentId, Inference inference, PaymentStatus providerAnswer) {
        return payments.lockById(paymentId)
                .flatMap(p -> {
                    if (p.status().isTerminal() || inference == Inference.NEVER_REACHED && p.reachedProvider()) {
                        return Mono.just(new Result(SettlementOutcome.UNCHANGED, p.id(), p.status()));
                    }
                    log.info("Payment {} closed by inference: {} after {} open ({} at the provider)", p.id(), inference.reason,
                            java.time.Duration.between(p.createdAt(), clock.instant()),
                            providerAnswer == null ? "unknown" : providerAnswer.wire());
                    return store(p.closeByInference(inference.reason, providerAnswer, clock.instant()))
                            .map(stored -> new Result(SettlementOutcome.APPLIED, stored.id(), stored.status()));
                })
                .as(transactions::transactional);
    }

    /**
     * Writes a transition: the row, then its event in the outbox and, for a completion, the invoice. Call it in a
     * transaction holding the row lock.
     */
    Mono<Payment> store(Payment payment, Optional<Event> event) {
        Mono<Payment> updated = payments.update(payment);
        if (event.isEmpty()) {
            return updated;
        }
        Mono<Void> published = outbox.append(topics.payments(), payment.teamSlug(), EventEnvelope.of(event.get(), clock.instant()));
        Mono<Void> sideEffects = event.get() instanceof PaymentCompleted
                ? published.then(invoices.issueFor(new Invoices.InvoiceLine(payment.id(), payment.teamSlug(),
                        payment.description(), payment.amountMinor(), payment.currency())))
                : published;
        String outcome = event.get().getClass().getSimpleName().replace("Payment", "").toLowerCase(java.util.Locale.ROOT);
        return updated.flatMap(p -> sideEffects.thenReturn(p))
                .doOnSuccess(p -> meters.counter("servelink.payments", "status", outcome).increment());
    }

    Mono<Payment> store(Payment.Transition transition) {
        return store(transition.payment(), transition.event());
    }
}
