package io.servelink.payment.provider;

import static io.servelink.payment.provider.ResilientCalls.text;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe PaymentIntents for cards (API reference: https://docs.stripe.com/api/payment_intents). Calls are
 * form-encoded; every create carries {@code Idempotency-Key} (our payment id, or {@code refund:<payment id>}) and our
 * payment id in {@code metadata[payment_id]}. The dashboard confirms the PaymentIntent with Stripe.js: the next action is
 * {@code stripe_sdk} with the intent's {@code client_secret}, or {@code redirect} when Stripe asks for
 * {@code next_action.redirect_to_url} (3-D Secure outside Stripe.js).
 *
 * <p>A retried create first searches for the intent by {@code metadata['payment_id']}, so a lost answer never makes a
 * second intent even if Stripe forgot the key. Statuses: {@code requires_payment_method} (no error),
 * {@code requires_confirmation}, {@code requires_action} → pending; {@code processing}, {@code requires_capture} →
 * processing; {@code succeeded} → completed; {@code canceled} → cancelled; {@code requires_payment_method} after a
 * {@code last_payment_error} → failed. Amounts are Stripe's smallest currency unit, which is the platform's minor unit
 * (cents for EUR).
 *
 * <p>Resilience4j instances {@code stripe} (time limiter, breaker), {@code stripe-create} and {@code stripe-read}
 * (retries); cancel is not retried.
 */
@Component
@ConditionalOnProperty(prefix = "servelink.payment.providers.stripe", name = "enabled", havingValue = "true")
class StripeAdapter implements PaymentProvider, ProviderWebhooks {

    static final String NAME = "stripe";
    static final String SIGNATURE_HEADER = "Stripe-Signature";

    private final ProvidersSettings.Stripe settings;
    private final Set<String> currencies;
    private final WebClient web;
    private final ResilientCalls calls;
    private final Retry createRetry;
    private final Retry readRetry;
    private final TimestampedSignature signature;
    private final JsonMapper json;

    StripeAdapter(ProvidersSettings providers, PeerClients peers, RetryRegistry retries, JsonMapper json) {
        this.settings = providers.stripe();
        if (settings.secretKey().isBlank() || settings.webhookSecret().isBlank()) {
            throw new IllegalStateException("Stripe is enabled: set servelink.payment.providers.stripe.secret-key and "
                    + ".webhook-secret (env STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET)");
        }
        this.currencies = settings.currencies().stream().map(c -> c.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        PeerClient peer = peers.peer(NAME, settings.baseUrl())
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .web(builder -> builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.secretKey()))
                .build();
        this.web = peer.web();
        this.calls = new ResilientCalls(peer.circuitBreaker(), peer.timeLimiter(), settings.retryAfter());
        this.createRetry = ProviderClient.honouringRetryAfter(retries, NAME + "-create", settings.maxRetryAfter());
        this.readRetry = ProviderClient.honouringRetryAfter(retries, NAME + "-read", settings.maxRetryAfter());
        this.signature = new TimestampedSignature("v1", settings.webhookSecret(), settings.webhookTolerance());
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean takes(String currency) {
        return currency != null && currencies.contains(currency.toUpperCase(Locale.ROOT));
    }

    @Override
    public Mono<ProviderPayment> create(CreateProviderPayment body, String idempotencyKey) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("amount", Long.toString(body.amountMinor()));
        form.add("currency", body.currency().toLowerCase(Locale.ROOT));
        form.add("payment_method_types[]", "card");
        form.add("description", body.description());
        body.metadata().forEach((key, value) -> form.add("metadata[" + key + "]", value));
        Mono<ProviderPayment> attempt = ResilientCalls.createOrFindEarlier(search(idempotencyKey), Mono.defer(() -> web.post().uri("/v1/payment_intents")
                        .header("Idempotency-Key", idempotencyKey)
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .body(BodyInserters.fromFormData(form))
                        .exchangeToMono(response -> ResilientCalls.json(response, "Stripe create"))))
                .map(StripeAdapter::payment);
        return calls.guarded(attempt, createRetry);
    }

    @Override
    public Mono<Optional<ProviderPayment>> get(String providerPaymentId) {
        Mono<Optional<ProviderPayment>> call = web.get().uri("/v1/payment_intents/{id}", providerPaymentId)
                .exchangeToMono(response -> response.statusCode().value() == HttpStatus.NOT_FOUND.value()
                        ? response.releaseBody().thenReturn(Optional.<ProviderPayment>empty())
                        : ResilientCalls.json(response, "Stripe read").map(intent -> Optional.of(payment(intent))));
        return calls.guarded(call, readRetry);
    }

    /**
     * Searches by {@code metadata['payment_id']}. Stripe's search is eventually consistent (an intent is searchable
     * within about a minute), which reconciliation's {@code min-age} outlasts.
     */
    @Override
    public Mono<KeyLookup> findByIdempotencyKey(String idempotencyKey) {
        return calls.guarded(search(idempotencyKey), readRetry)
                .map(intent -> KeyLookup.found(payment(intent)))
                .defaultIfEmpty(KeyLookup.none());
    }

    private Mono<JsonNode> search(String paymentId) {
        return web.get().uri(uri -> uri.path("/v1/payment_intents/search")
                        .queryParam("query", "{query}").build("metadata['payment_id']:'" + paymentId + "'"))
                .exchangeToMono(response -> ResilientCalls.json(response, "Stripe search"))
                .flatMap(result -> {
                    for (JsonNode intent : result.path("data")) {
                        if (paymentId.equals(text(intent.path("metadata"), "payment_id"))) {
                            return Mono.just(intent);
                        }
                    }
                    return Mono.empty();
                });
    }

    /**
     * {@code POST /v1/payment_intents/{id}/cancel}: 200 cancelled; 404 unknown; 400 {@code payment_intent_unexpected_state}
     * (it succeeded, or is processing) not cancellable, with the intent Stripe encloses in the error.
     */
    @Override
    public Mono<CancelResult> cancel(String providerPaymentId) {
        Mono<CancelResult> call = web.post().uri("/v1/payment_intents/{id}/cancel", providerPaymentId)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .exchangeToMono(response -> {
                    int status = response.statusCode().value();
                    if (response.statusCode().is2xxSuccessful()) {
                        return ResilientCalls.json(response, "Stripe cancel").map(intent -> new CancelResult(CancelResult.Kind.CANCELLED, payment(intent)));
                    }
                    if (status == HttpStatus.NOT_FOUND.value()) {
                        return response.releaseBody().thenReturn(new CancelResult(CancelResult.Kind.UNKNOWN, null));
                    }
                    if (status == HttpStatus.BAD_REQUEST.value()) {
                        return response.bodyToMono(JsonNode.class).map(error -> error.path("error"))
                                .filter(error -> "payment_intent_unexpected_state".equals(text(error, "code")))
                                .map(error -> new CancelResult(CancelResult.Kind.NOT_CANCELLABLE,
                                        error.path("payment_intent").isObject() ? payment(error.path("payment_intent")) : null))
                                .switchIfEmpty(Mono.error(() -> new ProviderClient.Rejected(status, "cancel refused")));
                    }
                    return ResilientCalls.<CancelResult>failure(response, false);
                });
        return calls.guarded(call, null);
    }

    /** {@code POST /v1/refunds} for the whole intent, under the key {@code refund:<payment id>}. */
    @Override
    public Mono<ProviderRefund> refund(String providerPaymentId, long amountMinor, String currency, String reason,
                                       String idempotencyKey) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("payment_intent", providerPaymentId);
        form.add("amount", Long.toString(amountMinor));
        if (reason != null) {
            form.add("metadata[review_reason]", reason.length() > 500 ? reason.substring(0, 500) : reason);
        }
        Mono<ProviderRefund> call = web.post().uri("/v1/refunds")
                .header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchangeToMono(response -> ResilientCalls.json(response, "Stripe refund"))
                .map(StripeAdapter::refund);
        return calls.guarded(call, createRetry);
    }

    // ---- webhook --------------------------------------------------------------------------------------------------

    @Override
    public SignatureCheck verify(HttpHeaders headers, byte[] body, Instant now) {
        return signature.verify(headers.getFirst(SIGNATURE_HEADER), body, now);
    }

    /**
     * A Stripe event: {@code {"id": "evt_...", "type", "data": {"object": ...}}}. {@code payment_intent.*} events carry
     * the intent, whose own status is applied ({@code payment_intent.payment_failed} is a failure even though the intent
     * returns to {@code requires_payment_method}); {@code refund.*} and {@code charge.refund.updated} the refund.
     */
    @Override
    public Optional<ProviderEvent> parse(byte[] body) {
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        String id = text(event, "id");
        String type = text(event, "type");
        JsonNode object = event.path("data").path("object");
        if (id == null || type == null || !object.isObject()) {
            return Optional.empty();
        }
        if (type.startsWith("payment_intent.") && "payment_intent".equals(text(object, "object"))) {
            ProviderPayment payment = payment(object);
            if ("payment_intent.payment_failed".equals(type) && !"failed".equals(payment.status())) {
                payment = failed(payment, object);
            }
            return Optional.of(payment.status() == null
                    ? ProviderEvent.unrecognized(id, "PaymentIntent status " + text(object, "status") + " is not mapped")
                    : ProviderEvent.payment(id, payment));
        }
        if ((type.startsWith("refund.") || type.equals("charge.refund.updated")) && "refund".equals(text(object, "object"))) {
            return Optional.of(ProviderEvent.refund(id, refund(object)));
        }
        return Optional.of(ProviderEvent.unrecognized(id, "Stripe event type " + type + " is not handled"));
    }

    // ---- Stripe's shapes ------------------------------------------------------------------------------------------

    static ProviderPayment payment(JsonNode intent) {
        String stripeStatus = text(intent, "status");
        boolean declined = "requires_payment_method".equals(stripeStatus) && intent.path("last_payment_error").isObject();
        String status = declined ? "failed" : status(stripeStatus);
        Map<String, String> metadata = new LinkedHashMap<>();
        intent.path("metadata").properties().forEach(field -> metadata.put(field.getKey(), field.getValue().asString()));
        String currency = text(intent, "currency");
        ProviderPayment payment = new ProviderPayment(text(intent, "id"), status,
                intent.path("amount").isIntegralNumber() ? intent.path("amount").asLong() : null,
                currency == null ? null : currency.toUpperCase(Locale.ROOT), "credit_card",
                "pending".equals(status) ? nextAction(intent) : null, null, metadata);
        return declined ? failed(payment, intent) : payment;
    }

    private static ProviderPayment failed(ProviderPayment payment, JsonNode intent) {
        JsonNode error = intent.path("last_payment_error");
        return new ProviderPayment(payment.id(), "failed", payment.amountMinor(), payment.currency(), payment.method(), null,
                failureReason(text(error, "code"), text(error, "decline_code")), payment.metadata());
    }

    static String status(String stripeStatus) {
        if (stripeStatus == null) {
            return null;
        }
        return switch (stripeStatus) {
            case "requires_payment_method", "requires_confirmation", "requires_action" -> "pending";
            case "processing", "requires_capture" -> "processing";
            case "succeeded" -> "completed";
            case "canceled" -> "cancelled";
            default -> null;
        };
    }

    /** Stripe's error and decline codes as the contract's failure reasons (https://docs.stripe.com/declines/codes). */
    static String failureReason(String code, String declineCode) {
        if ("insufficient_funds".equals(declineCode)) {
            return "insufficient_funds";
        }
        if ("fraudulent".equals(declineCode) || "stolen_card".equals(declineCode) || "lost_card".equals(declineCode)) {
            return "fraud_suspected";
        }
        if ("payment_intent_authentication_failure".equals(code) || "authentication_required".equals(declineCode)) {
            return "authentication_failed";
        }
        if ("expired_card".equals(code) || "card_declined".equals(code) || "incorrect_cvc".equals(code)) {
            return "card_declined";
        }
        return code == null ? "card_declined" : FailureReasons.OTHER;
    }

    /** {@code redirect_to_url} as a redirect; anything else is done by Stripe.js with the client secret. */
    private static NextAction nextAction(JsonNode intent) {
        JsonNode next = intent.path("next_action");
        String url = text(next.path("redirect_to_url"), "url");
        if ("redirect_to_url".equals(text(next, "type")) && url != null) {
            return new NextAction("redirect", url, null);
        }
        return new NextAction("stripe_sdk", null, "Enter your card details", text(intent, "client_secret"));
    }

    private static ProviderRefund refund(JsonNode refund) {
        String status = text(refund, "status");
        String mapped = "succeeded".equals(status) || "failed".equals(status) ? status : "canceled".equals(status) ? "failed" : "pending";
        String currency = text(refund, "currency");
        return new ProviderRefund(text(refund, "id"), text(refund, "payment_intent"), mapped,
                refund.path("amount").isIntegralNumber() ? refund.path("amount").asLong() : null,
                currency == null ? null : currency.toUpperCase(Locale.ROOT), text(refund, "failure_reason"));
    }


}
