package io.servelink.resources.payments;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.spring.outbox.ProcessedEvents;
import io.servelink.resources.ResourcesSettings;
import io.servelink.resources.addon.Addon;
import io.servelink.resources.addon.AddonStatus;
import io.servelink.resources.addon.Addons;
import io.servelink.resources.limits.Entitlements;
import io.servelink.resources.subscription.Teams;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
 * Each change of entitlements publishes the team's snapshot through the outbox in the same transaction.
 */
@Component
class PaymentOutcomes {

    static final String CONSUMER = "resources-service.payments";
    private static final Logger log = LoggerFactory.getLogger(PaymentOutcomes.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final Teams teams;
    private final Addons addons;
    private final Entitlements entitlements;
    private final TransactionalOperator transactions;
    private final ResourcesSettings settings;
    private final Clock clock;

    PaymentOutcomes(EventCodec codec, ProcessedEvents processed, Teams teams, Addons addons, Entitlements entitlements,
                    TransactionalOperator transactions, ResourcesSettings settings, Clock clock) {
        this.codec = codec;
        this.processed = processed;
        this.teams = teams;
        this.addons = addons;
        this.entitlements = entitlements;
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
            outcome = PaymentOutcome.decode(codec, record.value());
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
                .flatMap(addon -> storeAddon(addon, transition(addon, outcome, now), now));
    }

    private Mono<Void> planPayment(PaymentOutcome outcome, Instant now) {
        if (outcome.result() != PaymentOutcome.Result.COMPLETED || outcome.purpose() == PaymentPurpose.ADDON) {
            return Mono.empty();
        }
        return teams.lock(outcome.teamSlug(), now)
                .map(subscription -> subscription.proPaid(now, settings.period()))
                .flatMap(pro -> teams.save(pro, now))
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

    private Mono<Void> storeAddon(Addon before, Addon after, Instant now) {
        if (before.equals(after)) {
            return Mono.empty();
        }
        Mono<Void> update = addons.update(after, now);
        return affectsLimits(before, after) ? update.then(entitlements.publish(after.teamSlug(), now)).then() : update;
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
