package io.servelink.resources.addon;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.resources.ResourcesSettings;
import io.servelink.resources.catalog.AddonType;
import io.servelink.resources.catalog.Catalog;
import io.servelink.resources.paymentclient.InitiatePayment;
import io.servelink.resources.paymentclient.PaymentsClient;
import io.servelink.resources.subscription.Subscription;
import io.servelink.resources.subscription.Teams;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Buying and cancelling add-ons. A purchase is a small saga: (1) a pending add-on is stored with the team locked,
 * (2) payment-service starts the payment (outside any transaction), (3) the payment id is recorded, or, when
 * payment-service refused or was unreachable, the add-on is marked failed so that nothing pending lies around.
 * The payment's completion arrives later as an event (see the payments consumer). The pending add-on, a purchase
 * that could not start its payment, and a cancel are audited in the transaction that stores them.
 */
@Service
class AddonService {

    static final int MIN_QUANTITY = 1;
    static final int MAX_QUANTITY = 10;
    static final String PRO_REQUIRED = "Add-ons are for teams on the Pro plan; upgrade to Pro first";
    static final String PURCHASE_STARTED = "addon.purchase_started";
    static final String PURCHASE_FAILED = "addon.purchase_failed";
    static final String CANCELLED = "addon.cancelled";

    /** Who asks (a token's subject) and from where, for the audit trail. */
    record Actor(String subject, RequestOrigin origin) {
    }

    private final Catalog catalog;
    private final Teams teams;
    private final Addons addons;
    private final PaymentsClient payments;
    private final AuditLog audit;
    private final TransactionalOperator transactions;
    private final ResourcesSettings settings;
    private final Clock clock;

    AddonService(Catalog catalog, Teams teams, Addons addons, PaymentsClient payments, AuditLog audit,
                 TransactionalOperator transactions, ResourcesSettings settings, Clock clock) {
        this.catalog = catalog;
        this.teams = teams;
        this.addons = addons;
        this.payments = payments;
        this.audit = audit;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<Available> available(String teamSlug) {
        long periodDays = settings.period().toDays();
        return teams.find(teamSlug).flatMap(subscription -> catalog.plans().map(plan -> Available.PlanOffer.of(plan, periodDays))
                .collectList()
                .zipWith(catalog.addonTypes().map(type -> Available.AddonOffer.of(type, periodDays)).collectList())
                .map(offers -> new Available(teamSlug, subscription.plan(), subscription.isPro(),
                        subscription.isPro() ? null : PRO_REQUIRED, MIN_QUANTITY, MAX_QUANTITY, offers.getT1(), offers.getT2())));
    }

    Mono<List<AddonView>> list(String teamSlug) {
        return addons.ofTeam(teamSlug).map(AddonView::of).collectList();
    }

    /** Call after the caller's role is checked. */
    Mono<PurchaseResponse> purchase(String teamSlug, PurchaseRequest request, String bearerToken, Actor actor) {
        if ("mobile_money".equals(request.paymentMethod()) && (request.phone() == null || request.phone().isBlank())) {
            return Mono.error(ApiProblem.invalid("phone", "is required for mobile_money"));
        }
        return catalog.addonType(request.resourceType())
                .switchIfEmpty(Mono.error(() -> ApiProblem.invalid("resource_type",
                        "unknown resource type '" + request.resourceType() + "'; see GET /api/resources/{team_slug}/available")))
                .flatMap(type -> createPending(teamSlug, type, request, actor))
                .flatMap(addon -> startPayment(addon, bearerToken, actor));
    }

    private Mono<Addon> createPending(String teamSlug, AddonType type, PurchaseRequest request, Actor actor) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            Addon addon = Addon.pending(UUID.randomUUID(), teamSlug, type, request.quantity(), request.paymentMethod(),
                    request.phone(), now);
            return teams.lock(teamSlug, now)
                    .filter(Subscription::isPro)
                    .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden(PRO_REQUIRED)))
                    .flatMap(pro -> addons.insert(addon, now))
                    .then(audit.record(entry(actor, PURCHASE_STARTED, addon, purchaseDetails(addon))))
                    .thenReturn(addon);
        }).as(transactions::transactional);
    }

    private static Map<String, Object> purchaseDetails(Addon addon) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("resource_type", addon.resourceType());
        details.put("quantity", addon.quantity());
        details.put("price_minor", addon.priceMinor());
        details.put("currency", addon.currency());
        details.put("payment_method", addon.paymentMethod());
        return details;
    }

    private Mono<PurchaseResponse> startPayment(Addon addon, String bearerToken, Actor actor) {
        InitiatePayment initiate = new InitiatePayment("addon", addon.reference(), addon.paymentMethod(), addon.phone());
        return payments.initiate(addon.teamSlug(), initiate, bearerToken, addon.reference())
                .onErrorResume(e -> change(addon, pending -> pending.paymentEnded(AddonStatus.FAILED),
                                (before, after) -> entry(actor, PURCHASE_FAILED, after, Map.of("reason", "payment not started")))
                        .then(Mono.error(e)))
                .flatMap(started -> change(addon, current -> current.paymentId() == null ? current.withPaymentId(started.paymentId()) : current,
                                null)
                        .map(current -> new PurchaseResponse(AddonView.of(current), started)));
    }

    /** Cancels: an active add-on stops renewing and stays active until it expires; a pending one is cancelled. */
    Mono<AddonView> cancel(String teamSlug, UUID id, Actor actor) {
        return change(teamSlug, id, Addon::cancel, (before, after) -> entry(actor, CANCELLED, after, Map.of(
                        "status_before", before.status().wire(), "status", after.status().wire(), "auto_renew", after.autoRenew())))
                .map(AddonView::of);
    }

    /** What the audit trail says about a stored change (from the add-on before and after it), or null: not audited. */
    private interface Audited {
        AuditEntry entry(Addon before, Addon after);
    }

    private static AuditEntry entry(Actor actor, String action, Addon addon, Map<String, ?> details) {
        return new AuditEntry(actor.subject(), action, addon.teamSlug(), addon.id().toString(), actor.origin(), details);
    }

    private Mono<Addon> change(Addon addon, UnaryOperator<Addon> transition, Audited audited) {
        return change(addon.teamSlug(), addon.id(), transition, audited);
    }

    /**
     * Applies a transition to the team's add-on with the team locked; another team's add-on is a 404. A change that
     * stores something is audited in the same transaction; a transition that changes nothing is not.
     */
    private Mono<Addon> change(String teamSlug, UUID id, UnaryOperator<Addon> transition, Audited audited) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return teams.lock(teamSlug, now)
                    .then(addons.find(teamSlug, id))
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Team '" + teamSlug + "' has no add-on " + id)))
                    .flatMap(current -> store(current, transition.apply(current), now, audited));
        }).as(transactions::transactional);
    }

    private Mono<Addon> store(Addon before, Addon after, Instant now, Audited audited) {
        if (before.equals(after)) {
            return Mono.just(after);
        }
        Mono<Void> trail = audited == null ? Mono.empty() : audit.record(audited.entry(before, after));
        return addons.update(after, now).then(trail).thenReturn(after);
    }
}
