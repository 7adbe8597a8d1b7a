package io.servelink.payment.reconciliation;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.payment.payment.OpenPayments;
import io.servelink.payment.payment.PaymentSettlement;
import io.servelink.payment.payment.PaymentStatus;
import io.servelink.payment.payment.ReportedStatus;
import io.servelink.payment.payment.SettlementOutcome;
import io.servelink.payment.provider.ProviderClient;
import io.servelink.payment.provider.ProviderPayment;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks the provider about payments that stayed open longer than {@code min-age} and applies its answer
 * through the same state machine as the webhook, so a lost webhook still completes a payment exactly once.
 * A payment whose create answer was lost is looked up by its idempotency key; when the provider never got it,
 * the payment is failed ({@code never_reached_provider}).
 */
@Component
class Reconciliation {

    static final String JOB = "payment-reconciliation";
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final OpenPayments openPayments;
    private final PaymentSettlement settlement;
    private final ProviderClient provider;
    private final ReconciliationSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;

    Reconciliation(OpenPayments openPayments, PaymentSettlement settlement, ProviderClient provider,
                   ReconciliationSettings settings, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.openPayments = openPayments;
        this.settlement = settlement;
        this.provider = provider;
        this.settings = settings;
        this.clock = clock;
    }

    /** What one run did. */
    record Summary(int checked, int changed, int errors) {
    }

    Mono<Summary> run() {
        return openPayments.untouchedSince(clock.instant().minus(settings.minAge()), settings.batchSize())
                .concatMap(this::reconcile)
                .reduce(new Summary(0, 0, 0), (sum, outcome) -> new Summary(sum.checked() + 1,
                        sum.changed() + (outcome == Outcome.CHANGED ? 1 : 0), sum.errors() + (outcome == Outcome.ERROR ? 1 : 0)))
                .doOnNext(summary -> meters.counter("servelink.payment.reconciliation.changed").increment(summary.changed()))
                .doOnNext(summary -> meters.counter("servelink.payment.reconciliation.errors").increment(summary.errors()))
                .doOnNext(summary -> log.info("Reconciliation: {} open payments checked, {} changed, {} errors",
                        summary.checked(), summary.changed(), summary.errors()));
    }

    private enum Outcome { CHANGED, UNCHANGED, ERROR }

    private Mono<Outcome> reconcile(UUID paymentId) {
        return openPayments.find(paymentId)
                .flatMap(open -> open.providerPaymentId() != null
                        ? provider.get(open.providerPaymentId()).map(Optional::of)
                        : provider.findByIdempotencyKey(open.idempotencyKey()))
                .flatMap(found -> found.map(p -> applyReport(paymentId, p)).orElseGet(() -> neverReached(paymentId)))
                .defaultIfEmpty(Outcome.UNCHANGED)
                .onErrorResume(e -> {
                    log.warn("Reconciliation of payment {} failed; retried next run: {} (cause: {})", paymentId, e.toString(),
                            String.valueOf(e.getCause()));
                    return Mono.just(Outcome.ERROR);
                });
    }

    private Mono<Outcome> applyReport(UUID paymentId, ProviderPayment reported) {
        Optional<PaymentStatus> status = PaymentStatus.fromWire(reported.status());
        if (status.isEmpty()) {
            return Mono.just(Outcome.ERROR);
        }
        return settlement.apply(new PaymentSettlement.PaymentRef(paymentId, reported.id()),
                        new ReportedStatus(status.get(), reported.amountMinor(), reported.currency(), reported.failureReason()),
                        "reconciliation")
                .map(result -> result.outcome() == SettlementOutcome.APPLIED || result.outcome() == SettlementOutcome.FLAGGED_MISMATCH
                        ? Outcome.CHANGED : Outcome.UNCHANGED);
    }

    private Mono<Outcome> neverReached(UUID paymentId) {
        return settlement.apply(new PaymentSettlement.PaymentRef(paymentId, null),
                        new ReportedStatus(PaymentStatus.FAILED, null, null, "never_reached_provider"), "reconciliation")
                .map(result -> result.outcome() == SettlementOutcome.APPLIED ? Outcome.CHANGED : Outcome.UNCHANGED);
    }
}
