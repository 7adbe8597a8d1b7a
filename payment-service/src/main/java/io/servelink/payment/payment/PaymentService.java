package io.servelink.payment.payment;

import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.payment.provider.CreateProviderPayment;
import io.servelink.payment.provider.PaymentProvider;
import io.servelink.payment.provider.PaymentProviders;
import io.servelink.payment.provider.ProviderException;
import io.servelink.payment.provider.ProviderPayment;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Starting, reading and cancelling payments on behalf of a team. */
@Service
class PaymentService {

    static final String INITIATED = "payment.initiated";
    static final String CANCELLED = "payment.cancelled";
    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final PaymentRepository payments;
    private final PaymentSettlement settlement;
    private final ResourcesClient resources;
    private final PaymentProviders providers;
    private final AuditLog audit;
    private final PaymentSettings settings;
    private final TransactionalOperator transactions;
    private final Clock clock;

    PaymentService(PaymentRepository payments, PaymentSettlement settlement, ResourcesClient resources,
                   PaymentProviders providers, AuditLog audit, PaymentSettings settings, TransactionalOperator transactions,
                   Clock clock) {
        this.payments = payments;
        this.settlement = settlement;
        this.resources = resources;
        this.providers = providers;
        this.audit = audit;
        this.settings = settings;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Who starts a payment: a team's owner or admin, or a service (resources-service's renewal job). */
    record Initiator(ServelinkClaims claims, boolean service) {
    }

    /** The payment an initiate answers, and whether it was started before under the same Idempotency-Key. */
    record Initiation(Payment payment, boolean replayed) {
    }

    /**
     * Prices the payment at the catalog, stores it pending, then creates it at the provider with the payment id
     * as idempotency key. A create that surely did not happen fails the payment; one whose outcome is unknown
     * (timeout, 5xx) leaves it pending for reconciliation to settle. With the caller's {@code Idempotency-Key},
     * a live payment (pending, processing, completed) started under that key is answered instead of a new one.
     */
    Mono<Initiation> initiate(String team, InitiatePaymentRequest request, Initiator initiator, String authorization,
                              String clientKey, RequestOrigin origin) {
        PaymentMethod method = PaymentMethod.fromWire(request.paymentMethod()).orElseThrow();
        if (method == PaymentMethod.MOBILE_MONEY && request.phone() == null) {
            return Mono.error(ApiProblem.invalid("phone", "is required for mobile_money"));
        }
        if (clientKey != null && (clientKey.isBlank() || clientKey.length() > 200)) {
            return Mono.error(ApiProblem.invalid("Idempotency-Key", "must be 1 to 200 characters"));
        }
        PaymentPurpose purpose = PaymentPurpose.fromWire(request.purpose().toUpperCase(Locale.ROOT)).orElseThrow();
        Mono<Initiation> fresh = resources.quote(team, request.purpose(), request.reference(), authorization)
                .flatMap(quote -> (initiator.service() ? Mono.<Void>empty() : requireFreshLogin(quote, initiator.claims()))
                        .thenReturn(quote))
                .flatMap(quote -> adapterFor(method, quote).map(adapter -> new Priced(quote, adapter)))
                .flatMap(priced -> recordStart(Payment.start(UUID.randomUUID(), team, purpose, request.reference(),
                                priced.quote().description(), priced.quote().amountMinor(), priced.quote().currency(), method,
                                method == PaymentMethod.MOBILE_MONEY ? request.phone() : null, initiator.claims().subject(),
                                clock.instant()), clientKey, initiator.claims(), origin, priced.adapter().name())
                        .flatMap(payment -> createAtProvider(payment, priced.adapter())))
                .map(payment -> new Initiation(payment, false));
        if (clientKey == null) {
            return fresh;
        }
        String reference = request.reference();
        return payments.findLiveByClientKey(team, clientKey)
                .flatMap(existing -> replay(existing, purpose, reference))
                .switchIfEmpty(Mono.defer(() -> fresh.onErrorResume(DataIntegrityViolationException.class,
                        // a concurrent initiate with the same key won the insert: answer its payment
                        e -> payments.findLiveByClientKey(team, clientKey).switchIfEmpty(Mono.error(e))
                                .flatMap(existing -> replay(existing, purpose, reference)))));
    }

    /** A quote and the adapter that takes the payment. */
    private record Priced(Quote quote, PaymentProvider adapter) {
    }

    /**
     * The adapter configured for the method and the quote's currency. A currency that adapter does not take is refused
     * here, before anything is stored or sent: a 400 naming {@code currency}.
     */
    private Mono<PaymentProvider> adapterFor(PaymentMethod method, Quote quote) {
        PaymentProvider adapter = providers.forPayment(method.wire(), quote.currency());
        return adapter.takes(quote.currency()) ? Mono.just(adapter)
                : Mono.error(ApiProblem.invalid("currency", "is " + quote.currency() + ", which the " + adapter.name()
                        + " provider serving " + method.wire() + " payments does not take; nothing was charged"));
    }

    private static Mono<Initiation> replay(Payment existing, PaymentPurpose purpose, String reference) {
        return existing.purpose() == purpose && existing.reference().equals(reference)
                ? Mono.just(new Initiation(existing, true))
                : Mono.error(ApiProblem.conflict("The Idempotency-Key was already used for another payment"));
    }

    private Mono<Void> requireFreshLogin(Quote quote, ServelinkClaims caller) {
        PaymentSettings.FreshLogin rule = settings.freshLogin();
        if (quote.amountMinor() < rule.amountThresholdMinor()) {
            return Mono.empty();
        }
        Instant authTime = caller.authTime();
        boolean fresh = authTime != null && !authTime.isBefore(clock.instant().minus(rule.maxAge()));
        return fresh ? Mono.empty() : Mono.error(PaymentProblems.reauthenticate(rule.maxAge()));
    }

    private Mono<Payment> recordStart(Payment payment, String clientKey, ServelinkClaims caller, RequestOrigin origin,
                                      String provider) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("purpose", payment.purpose().wire().toLowerCase(Locale.ROOT));
        details.put("reference", payment.reference());
        details.put("amount_minor", payment.amountMinor());
        details.put("currency", payment.currency());
        details.put("payment_method", payment.method().wire());
        details.put("provider", provider);
        if (clientKey != null) {
            details.put("idempotency_key", clientKey);
        }
        return payments.insert(payment, clientKey, provider)
                .flatMap(p -> audit.record(new AuditEntry(caller.subject(), INITIATED, p.teamSlug(), p.id().toString(), origin,
                        details)).thenReturn(p))
                .as(transactions::transactional);
    }

    private Mono<Payment> createAtProvider(Payment payment, PaymentProvider provider) {
        Map<String, String> metadata = Map.of("payment_id", payment.id().toString(), "team_slug", payment.teamSlug());
        CreateProviderPayment body = new CreateProviderPayment(payment.amountMinor(), payment.currency(),
                payment.method().wire(), payment.payerPhone(), payment.description(), settings.callbackUrl().toString(),
                settings.returnUrl().replace("{payment_id}", payment.id().toString()), metadata);
        return provider.create(body, payment.idempotencyKey())
                .flatMap(created -> CreateAnswerCheck.violation(payment, created)
                        .map(violation -> invalidAnswer(payment, created, violation, provider))
                        .orElseGet(() -> accepted(payment.id(), created, provider)))
                .onErrorResume(ProviderException.class, e -> providerFailed(payment, e));
    }

    /**
     * The provider accepted the payment. An open status is recorded as the provider's; a final one (a replayed key whose
     * payment already ended) is not taken from the create answer: the payment is read back and that answer applied,
     * or, when the read fails, left to reconciliation.
     */
    private Mono<Payment> accepted(UUID paymentId, ProviderPayment created, PaymentProvider provider) {
        PaymentStatus status = PaymentStatus.fromWire(created.status()).orElseThrow();
        Mono<ProviderPayment> confirmed = status.isOpen() ? Mono.just(created)
                : provider.get(created.id()).flatMap(Mono::justOrEmpty).onErrorResume(ProviderException.class, e -> Mono.empty());
        Mono<Payment> recorded = payments.lockById(paymentId)
                .flatMap(p -> payments.update(p.acceptedByProvider(created.id(), created.nextAction(), clock.instant())))
                .as(transactions::transactional);
        return recorded.then(confirmed.flatMap(report -> applyReport(paymentId, report, "create answer")))
                .then(payments.findById(paymentId));
    }

    private Mono<PaymentSettlement.Result> applyReport(UUID paymentId, ProviderPayment reported, String source) {
        Optional<PaymentStatus> status = PaymentStatus.fromWire(reported.status());
        if (status.isEmpty()) {
            return Mono.empty();
        }
        return settlement.apply(new PaymentSettlement.PaymentRef(paymentId, reported.id()),
                new ReportedStatus(status.get(), reported.amountMinor(), reported.currency(), reported.failureReason()), source);
    }

    /**
     * The create answer is not a payment the payer should pay (another amount, an unknown next action...): it is
     * cancelled at the provider as far as the provider lets us, and failed here for an operator to look at. Should the
     * provider still report it completed, settlement completes it late (or flags a mismatch).
     */
    private Mono<Payment> invalidAnswer(Payment payment, ProviderPayment created, String violation, PaymentProvider provider) {
        log.warn("Payment {}: the provider's create answer is unusable ({}); cancelling it there", payment.id(), violation);
        Mono<?> cancelled = created.id() == null || created.id().isBlank() ? Mono.empty()
                : provider.cancel(created.id()).onErrorResume(ProviderException.class, e -> Mono.empty());
        return cancelled.then(payments.lockById(payment.id())
                        .filter(p -> p.status().isOpen())
                        .map(p -> created.id() == null || created.id().isBlank() || created.id().length() > 100 ? p.reachedProvider(clock.instant())
                                : p.acceptedByProvider(created.id(), null, clock.instant()))
                        .map(p -> p.forReview("create answer unusable: " + violation, clock.instant()))
                        .flatMap(p -> settlement.store(p.fail("provider_answer_invalid", clock.instant())))
                        .as(transactions::transactional))
                .then(Mono.error(PaymentProblems.providerAnswerInvalid(payment.id())));
    }

    private Mono<Payment> providerFailed(Payment payment, ProviderException e) {
        return switch (e.kind()) {
            case OUTCOME_UNKNOWN -> (e.keySeen() ? markReached(payment.id()) : Mono.<Payment>empty())
                    .then(Mono.error(PaymentProblems.providerUnavailable(payment.id(), true, e.retryAfter())));
            case NOT_SENT -> failLocally(payment.id(), "provider_unavailable")
                    .then(Mono.error(PaymentProblems.providerUnavailable(null, false, e.retryAfter())));
            case REJECTED -> failLocally(payment.id(), "provider_rejected")
                    .then(Mono.error(PaymentProblems.providerRefused(payment.id())));
        };
    }

    /** The provider said it holds the key (409 in flight): the payment never counts as "never reached" afterwards. */
    private Mono<Payment> markReached(UUID paymentId) {
        return payments.lockById(paymentId)
                .flatMap(p -> payments.update(p.reachedProvider(clock.instant())))
                .as(transactions::transactional);
    }

    private Mono<Payment> failLocally(UUID paymentId, String reason) {
        return payments.lockById(paymentId)
                .filter(p -> p.status().isOpen())
                .flatMap(p -> settlement.store(p.fail(reason, clock.instant())))
                .as(transactions::transactional);
    }

    /** The payment, when the caller is a member of its team; otherwise it does not exist for them. */
    Mono<Payment> visibleTo(String paymentId, ServelinkClaims caller) {
        return parse(paymentId).flatMap(payments::findById)
                .filter(p -> caller.isMemberOf(p.teamSlug()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No payment '" + paymentId + "'")));
    }

    Mono<PaymentPage> history(String team, PaymentStatus status, int page, int size) {
        return payments.page(team, status, (long) page * size, size).map(PaymentView::of).collectList()
                .zipWith(payments.count(team, status), (items, total) -> new PaymentPage(items, page, size, total));
    }

    /**
     * Cancels at the provider first, then here. The provider cancelling it, or not knowing it (404: it never got the
     * create, or no longer has it), cancels it here; a payment already cancelled here meanwhile (the provider's
     * {@code cancelled} webhook won the race) is answered as cancelled. When the provider says the payment is already
     * completed or failed, its status is applied here and the caller gets 409. Provider unavailable: 503, nothing
     * changes.
     */
    Mono<Payment> cancel(Payment payment, ServelinkClaims caller, RequestOrigin origin) {
        if (payment.status() == PaymentStatus.CANCELLED) {
            return Mono.just(payment);
        }
        if (payment.status().isTerminal()) {
            return Mono.error(conflict(payment));
        }
        return payments.providerOf(payment.id()).map(providers::named).flatMap(provider -> providerIdOf(payment, provider)
                .flatMap(providerId -> provider.cancel(providerId)
                        .flatMap(result -> switch (result.kind()) {
                            case CANCELLED -> cancelLocally(payment.id(), true, caller, origin);
                            case UNKNOWN -> cancelLocally(payment.id(), false, caller, origin);
                            case NOT_CANCELLABLE -> refusedAtProvider(payment.id(), result.payment());
                        })))
                .switchIfEmpty(Mono.defer(() -> cancelLocally(payment.id(), false, caller, origin)))
                .onErrorMap(ProviderException.class, e -> e.kind() == ProviderException.Kind.REJECTED
                        ? PaymentProblems.providerRefused(payment.id())
                        : ApiProblem.unavailable("The payment provider is unavailable; the payment was not cancelled, "
                                + "try again later", e.retryAfter()));
    }

    /**
     * The provider's id; looked up by idempotency key when the create answer was lost (empty: the provider has no
     * record of the key). A create still in flight at the provider cannot be cancelled yet: 503, try again shortly.
     */
    private Mono<String> providerIdOf(Payment payment, PaymentProvider provider) {
        if (payment.providerPaymentId() != null) {
            return Mono.just(payment.providerPaymentId());
        }
        return provider.findByIdempotencyKey(payment.idempotencyKey()).flatMap(found -> switch (found.state()) {
            case FOUND -> Mono.just(found.payment().id());
            case NONE -> Mono.empty();
            case IN_FLIGHT -> Mono.error(ApiProblem.unavailable("The payment is still being created at the provider; "
                    + "it was not cancelled, try again in a moment", settings.retryAfter()));
        });
    }

    private Mono<Payment> cancelLocally(UUID paymentId, boolean confirmedByProvider, ServelinkClaims caller,
                                        RequestOrigin origin) {
        return payments.lockById(paymentId)
                .flatMap(p -> {
                    if (p.status() == PaymentStatus.CANCELLED) {
                        return Mono.just(p);
                    }
                    if (p.status().isTerminal()) {
                        return Mono.error(conflict(p));
                    }
                    return confirmedByProvider
                            ? settlement.apply(new PaymentSettlement.PaymentRef(p.id(), p.providerPaymentId()),
                                    new ReportedStatus(PaymentStatus.CANCELLED, null, null, null), "cancel answer")
                                    .then(payments.findById(p.id()))
                            : settlement.store(p.cancel(clock.instant()));
                })
                .flatMap(p -> audit.record(new AuditEntry(caller.subject(), CANCELLED, p.teamSlug(), p.id().toString(), origin,
                        Map.of("amount_minor", p.amountMinor(), "currency", p.currency(),
                                "confirmed_by_provider", confirmedByProvider))).thenReturn(p))
                .as(transactions::transactional);
    }

    private Mono<Payment> refusedAtProvider(UUID paymentId, ProviderPayment real) {
        Mono<?> applied = real == null ? Mono.empty() : applyReport(paymentId, real, "cancel refusal");
        return applied.then(payments.findById(paymentId)).flatMap(p -> Mono.error(conflict(p)));
    }

    private static ApiProblem conflict(Payment payment) {
        ApiProblem problem = ApiProblem.conflict("The payment is " + payment.status().wire()
                + "; only pending or processing payments can be cancelled");
        problem.getBody().setProperty("status", payment.status().wire());
        return problem;
    }

    private static Mono<UUID> parse(String id) {
        try {
            return Mono.just(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Mono.empty();
        }
    }
}
