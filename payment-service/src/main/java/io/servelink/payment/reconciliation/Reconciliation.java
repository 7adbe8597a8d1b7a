package io.servelink.payment.reconciliation;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.payment.payment.OpenPayments;
import io.servelink.payment.payment.PaymentSettlement;
import io.servelink.payment.payment.PaymentStatus;
import io.servelink.payment.payment.ReportedStatus;
import io.servelink.payment.payment.SettlementOutcome;
import io.servelink.payment.provider.PaymentProvider;
import io.servelink.payment.provider.PaymentProviders;
import io.servelink.payment.provider.ProviderPayment;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks each payment's provider (the adapter it was created with) about payments that stayed open longer than {@code min-age} and applies its answer
 * through the same state machine as the webhook, so a lost webhook still completes a payment exactly once.
 * A payment whose create answer was lost is looked up by its idempotency key; when the provider has no record of
 * the key and never acknowledged it (no create answer, no 409 "in flight"), the payment is failed
 * ({@code never_reached_provider}). A payment still open {@code expire-after} after its creation (the payer never
 * answered, or the provider no longer knows it) is cancelled at the provider and failed here ({@code expired}).
 * Both are the platform's inference: a later {@code completed} from the provider completes the payment after all.
 */
@Component
class Reconciliation {

    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final OpenPayments openPayments;
    private final PaymentSettlement settlement;
    private final PaymentProviders providers;
    private final ReconciliationSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;

    Reconciliation(OpenPayments openPayments, PaymentSettlement settlement, PaymentProviders providers,
                   ReconciliationSettings settings, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.openPayments = openPayments;
        this.settlement = settlement;
        this.providers = providers;
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
                .flatMap(this::reconcile)
                .defaultIfEmpty(Outcome.UNCHANGED)
                .onErrorResume(e -> {
                    log.warn("Reconciliation of payment {} failed; retried next run: {} (cause: {})", paymentId, e.toString(),
                            String.valueOf(e.getCause()));
                    return Mono.just(Outcome.ERROR);
                });
    }

    private Mono<Outcome> reconcile(OpenPayments.OpenPayment open) {
        PaymentProvider provider = providers.named(open.provider());
        if (open.providerPaymentId() != null) {
            return provider.get(open.providerPaymentId()).flatMap(found -> found
                    .map(reported -> applyReport(open, reported))
                    .orElseGet(() -> unknownAtProvider(open, "the provider no longer knows " + open.providerPaymentId())));
        }
        return provider.findByIdempotencyKey(open.idempotencyKey()).flatMap(lookup -> switch (lookup.state()) {
            case FOUND -> applyReport(open, lookup.payment());
            case IN_FLIGHT -> settlement.markReached(open.id())
                    .then(expired(open) ? expire(open, null) : Mono.just(Outcome.UNCHANGED));
            case NONE -> open.reachedProvider()
                    ? unknownAtProvider(open, "the provider acknowledged its key but has no payment under it")
                    : neverReached(open.id());
        });
    }

    private boolean expired(OpenPayments.OpenPayment open) {
        return !open.createdAt().plus(settings.expireAfter()).isAfter(clock.instant());
    }

    private Mono<Outcome> applyReport(OpenPayments.OpenPayment open, ProviderPayment reported) {
        Optional<PaymentStatus> status = PaymentStatus.fromWire(reported.status());
        if (status.isEmpty()) {
            log.warn("Payment {}: the provider reports the unknown status '{}'; left as it is", open.id(), reported.status());
            return Mono.just(Outcome.ERROR);
        }
        return settlement.apply(new PaymentSettlement.PaymentRef(open.id(), reported.id()),
                        new ReportedStatus(status.get(), reported.amountMinor(), reported.currency(), reported.failureReason()),
                        "reconciliation")
                .flatMap(result -> result.status() != null && result.status().isOpen() && expired(open)
                        ? cancelAndExpire(open, reported.id(), providers.named(open.provider()))
                        : Mono.just(changed(result.outcome())));
    }

    private static Outcome changed(SettlementOutcome outcome) {
        return switch (outcome) {
            case APPLIED, COMPLETED_LATE, FLAGGED_MISMATCH, FLAGGED_CONTRADICTION -> Outcome.CHANGED;
            default -> Outcome.UNCHANGED;
        };
    }

    /** The provider does not know the payment (any more): it waits for its expiry, then ends. */
    private Mono<Outcome> unknownAtProvider(OpenPayments.OpenPayment open, String why) {
        if (!expired(open)) {
            log.info("Payment {}: {}; it expires at {}", open.id(), why, open.createdAt().plus(settings.expireAfter()));
            return Mono.just(Outcome.UNCHANGED);
        }
        return expire(open, null);
    }

    /** Cancels an expired payment at the provider; what the provider answers decides how it ends here. */
    private Mono<Outcome> cancelAndExpire(OpenPayments.OpenPayment open, String providerId, PaymentProvider provider) {
        return provider.cancel(providerId).flatMap(result -> switch (result.kind()) {
            case CANCELLED -> expire(open, PaymentStatus.CANCELLED);
            case UNKNOWN -> expire(open, null);
            case NOT_CANCELLABLE -> result.payment() == null ? Mono.just(Outcome.UNCHANGED)
                    : settlement.apply(new PaymentSettlement.PaymentRef(open.id(), providerId),
                            new ReportedStatus(PaymentStatus.fromWire(result.payment().status()).orElse(PaymentStatus.PENDING),
                                    result.payment().amountMinor(), result.payment().currency(),
                                    result.payment().failureReason()), "cancel refusal")
                            .map(applied -> changed(applied.outcome()));
        });
    }

    private Mono<Outcome> expire(OpenPayments.OpenPayment open, PaymentStatus providerAnswer) {
        return settlement.close(open.id(), PaymentSettlement.Inference.EXPIRED, providerAnswer)
                .map(result -> changed(result.outcome()));
    }

    private Mono<Outcome> neverReached(UUID paymentId) {
        return settlement.close(paymentId, PaymentSettlement.Inference.NEVER_REACHED, null)
                .map(result -> changed(result.outcome()));
    }
}
