package io.servelink.payment.payment;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.spring.outbox.Outbox;
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

    /** Which payment a report is about: our id (from the metadata we sent) and/or the provider's id. */
    public record PaymentRef(UUID paymentId, String providerPaymentId) {
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
        return ref.providerPaymentId() == null ? Mono.empty() : payments.lockByProviderId(ref.providerPaymentId());
    }

    private Mono<Result> settle(Payment locked, PaymentRef ref, ReportedStatus reported, String source) {
        Payment payment = locked.providerPaymentId() == null && ref.providerPaymentId() != null
                ? locked.acceptedByProvider(ref.providerPaymentId(), locked.nextAction(), clock.instant())
                : locked;
        Payment.Settlement settlement = payment.settle(reported, clock.instant());
        if (settlement.outcome() != SettlementOutcome.APPLIED && settlement.outcome() != SettlementOutcome.UNCHANGED) {
            log.warn("Payment {} ({}): {} reported {}; outcome {}", payment.id(), payment.status().wire(), source,
                    reported.status() == null ? null : reported.status().wire(), settlement.outcome().wire());
        }
        Mono<Payment> stored = settlement.payment().equals(locked) ? Mono.just(locked)
                : store(settlement.payment(), settlement.event());
        return stored.map(p -> new Result(settlement.outcome(), p.id(), p.status()));
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
