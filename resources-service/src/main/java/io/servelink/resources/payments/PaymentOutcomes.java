package io.servelink.resources.payments;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.payments.PaymentEvent;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.outbox.ProcessedEvents;
import io.servelink.resources.ResourcesSettings;
import io.servelink.resources.addon.Addon;
import io.servelink.resources.addon.AddonStatus;
import io.servelink.resources.addon.Addons;
import io.servelink.resources.catalog.Plan;
import io.servelink.resources.limits.Entitlements;
import io.servelink.resources.subscription.Subscription;
import io.servelink.resources.subscription.Teams;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies payment outcomes, each exactly once: the event id is recorded in {@code processed_events} in the same
 * transaction as the effect (and the team's row is locked, like every other writer). A completed {@code plan:pro}
 * payment (upgrade or renewal) gives one Pro period; a completed add-on payment activates the add-on for one period;
 * a completed add-on renewal extends it by one period; a failed or cancelled add-on payment ends the pending add-on.
 * Each change of entitlements publishes the team's snapshot through the outbox in the same transaction, and each
 * change is audited there too (actor {@code payment-service}, the payment and event ids in the details).
 */
@Component
class PaymentOutcomes {

    static final String CONSUMER = "resources-service.payments";
    /** Who the audit trail names for changes that a payment's outcome caused (the payer is in payment-service's trail). */
    static final String ACTOR = "payment-service";
    static final String PLAN_UPGRADED = "plan.upgraded";
    static final String PLAN_EXTENDED = "plan.extended";
    private static final Logger log = LoggerFactory.getLogger(PaymentOutcomes.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final Teams teams;
    private final Addons addons;
    private final Entitlements entitlements;
    private final AuditLog audit;
    private final TransactionalOperator transactions;
    private final ResourcesSettings settings;
    private final Clock clock;

    PaymentOutcomes(EventCodec codec, ProcessedEvents processed, Teams teams, Addons addons, Entitlements entitlements,
                    AuditLog audit, TransactionalOperator transactions, ResourcesSettings settings, Clock clock) {
        this.codec = codec;
        this.processed = processed;
        this.teams = teams;
        this.addons = addons;
        this.entitlements = entitlements;
        this.audit = audit;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        return Flux.fromIterable(records).concatMap(this::handle).then();
    }

    private Mono<Void> handle(ConsumerRecord<String, byte[]> record) {
        PaymentOutcome outcome;
        try {
            outcome = PaymentOutcome.of(codec.decode(record.value(), PaymentEvent.class));
        } catch (EventCodec.MalformedEventException e) {
            log.warn("Skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Mono.empty();
        }
        return processed.firstDelivery(CONSUMER, outcome.eventId())
                .filter(first -> first)
                .flatMap(first -> apply(outcome))
                .as(transactions::transactional)
                .then();
    }

    private Mono<Void> apply(PaymentOutcome outcome) {
        Instant now = clock.instant();
        if ("plan:pro".equals(outcome.reference())) {
            return planPayment(outcome, now);
        }
        UUID addonId = addonId(outcome.reference());
        if (addonId == null || outcome.purpose() == PaymentPurpose.PLAN_UPGRADE) {
            log.warn("Ignoring payment {} with reference '{}' for {}", outcome.paymentId(), outcome.reference(), outcome.purpose());
            return Mono.empty();
        }
        return teams.lock(outcome.teamSlug(), now)
                .then(addons.find(outcome.teamSlug(), addonId))
                .switchIfEmpty(Mono.fromRunnable(() -> log.warn("Payment {} names add-on {} that team '{}' does not have",
                        outcome.paymentId(), addonId, outcome.teamSlug())))
                .flatMap(addon -> storeAddon(addon, transition(addon, outcome, now), now, outcome));
    }

    private Mono<Void> planPayment(PaymentOutcome outcome, Instant now) {
        if (outcome.result() != PaymentOutcome.Result.COMPLETED || outcome.purpose() == PaymentPurpose.ADDON) {
            return Mono.empty();
        }
        return teams.lock(outcome.teamSlug(), now)
                .flatMap(before -> {
                    Subscription pro = before.proPaid(now, settings.period());
                    Map<String, Object> details = paymentDetails(outcome);
                    details.put("pro_valid_until", pro.proValidUntil().toString());
                    return teams.save(pro, now).then(audit.record(new AuditEntry(ACTOR, before.isPro() ? PLAN_EXTENDED : PLAN_UPGRADED,
                            outcome.teamSlug(), Plan.PRO, RequestOrigin.NONE, details)));
                })
                .then(entitlements.publish(outcome.teamSlug(), now))
                .doOnNext(event -> log.info("Team '{}' is Pro until {} (payment {})", event.teamSlug(), event.validUntil(),
                        outcome.paymentId()))
                .then();
    }

    private Addon transition(Addon addon, PaymentOutcome outcome, Instant now) {
        boolean renewal = outcome.purpose() == PaymentPurpose.RENEWAL;
        return switch (outcome.result()) {
            case COMPLETED -> renewal ? addon.renewed(now, settings.period()) : addon.paid(outcome.paymentId(), now, settings.period());
            case FAILED -> renewal ? addon.renewalEnded() : addon.paymentEnded(AddonStatus.FAILED);
            case CANCELLED -> renewal ? addon.renewalEnded() : addon.paymentEnded(AddonStatus.CANCELLED);
        };
    }

    private Mono<Void> storeAddon(Addon before, Addon after, Instant now, PaymentOutcome outcome) {
        if (before.equals(after)) {
            return Mono.empty();
        }
        Map<String, Object> details = paymentDetails(outcome);
        details.put("status_before", before.status().wire());
        details.put("status", after.status().wire());
        if (after.expiresAt() != null) {
            details.put("expires_at", after.expiresAt().toString());
        }
        Mono<Void> update = addons.update(after, now).then(audit.record(new AuditEntry(ACTOR, addonAction(outcome), after.teamSlug(),
                after.id().toString(), RequestOrigin.NONE, details)));
        return affectsLimits(before, after) ? update.then(entitlements.publish(after.teamSlug(), now)).then() : update;
    }

    /** {@code addon.activated}, {@code addon.renewed}, {@code addon.payment_failed}, {@code addon.renewal_cancelled}... */
    static String addonAction(PaymentOutcome outcome) {
        boolean renewal = outcome.purpose() == PaymentPurpose.RENEWAL;
        return switch (outcome.result()) {
            case COMPLETED -> renewal ? "addon.renewed" : "addon.activated";
            case FAILED -> renewal ? "addon.renewal_failed" : "addon.payment_failed";
            case CANCELLED -> renewal ? "addon.renewal_cancelled" : "addon.payment_cancelled";
        };
    }

    private static Map<String, Object> paymentDetails(PaymentOutcome outcome) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("payment_id", outcome.paymentId());
        details.put("event_id", outcome.eventId().toString());
        details.put("purpose", outcome.purpose().wire().toLowerCase(java.util.Locale.ROOT));
        return details;
    }

    /** A change the snapshot shows: the add-on enters or leaves the limits, or an active one's end moves. */
    static boolean affectsLimits(Addon before, Addon after) {
        return before.countsTowardsLimits() != after.countsTowardsLimits()
                || after.countsTowardsLimits() && !Objects.equals(before.expiresAt(), after.expiresAt());
    }

    private static UUID addonId(String reference) {
        if (reference == null || !reference.startsWith("addon:")) {
            return null;
        }
        try {
            return UUID.fromString(reference.substring("addon:".length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
