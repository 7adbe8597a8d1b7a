package io.servelink.payment.provider;

import static io.servelink.payment.provider.ResilientCalls.text;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FedaPay Mobile Money in XOF (API reference: https://docs.fedapay.com/api-reference/introduction). A payment is a
 * FedaPay transaction: created ({@code POST /v1/transactions}, amount in whole francs, our payment id as
 * {@code merchant_reference} and in {@code custom_metadata}), given a token ({@code POST /v1/transactions/{id}/token}),
 * then pushed to the payer's phone (a refused token or prompt deletes the transaction, best effort) ({@code POST /v1/{mode}} with the token; the mode from the phone's operator prefix in
 * {@code fedapay.modes}, else {@code fedapay.default-mode}). Read with {@code GET /v1/transactions/{id}}, cancelled with
 * {@code DELETE /v1/transactions/{id}} (FedaPay's documented way to cancel a transaction).
 *
 * <p>FedaPay takes no idempotency header, so a retried create first looks the transaction up by our reference
 * ({@code GET /v1/transactions/search}, filtered here on {@code merchant_reference}) and only creates one when none
 * exists. Statuses: {@code pending} → pending; {@code approved}, {@code transferred} → completed; {@code declined} →
 * failed ({@code payer_declined}); {@code expired} → failed ({@code expired}); {@code canceled} → cancelled. FedaPay
 * offers no refund through this API: refunds are made in its dashboard.
 *
 * <p>Resilience4j instances {@code fedapay} (time limiter, breaker), {@code fedapay-create} and {@code fedapay-read}
 * (retries); cancel is not retried.
 */
@Component
@ConditionalOnProperty(prefix = "servelink.payment.providers.fedapay", name = "enabled", havingValue = "true")
class FedaPayAdapter implements PaymentProvider, ProviderWebhooks {

    static final String NAME = "fedapay";
    static final String CURRENCY = "XOF";
    static final String SIGNATURE_HEADER = "X-FEDAPAY-SIGNATURE";

    private final ProvidersSettings.FedaPay settings;
    private final WebClient web;
    private final ResilientCalls calls;
    private final Retry createRetry;
    private final Retry readRetry;
    private final TimestampedSignature signature;
    private final JsonMapper json;

    FedaPayAdapter(ProvidersSettings providers, PeerClients peers, RetryRegistry retries, JsonMapper json) {
        this.settings = providers.fedapay();
        if (settings.apiKey().isBlank() || settings.webhookSecret().isBlank()) {
            throw new IllegalStateException("FedaPay is enabled: set servelink.payment.providers.fedapay.api-key and "
                    + ".webhook-secret (env FEDAPAY_API_KEY, FEDAPAY_WEBHOOK_SECRET)");
        }
        PeerClient peer = peers.peer(NAME, settings.baseUrl())
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .web(builder -> builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey()))
                .build();
        this.web = peer.web();
        this.calls = new ResilientCalls(peer.circuitBreaker(), peer.timeLimiter(), settings.retryAfter());
        this.createRetry = ProviderClient.honouringRetryAfter(retries, NAME + "-create", settings.maxRetryAfter());
        this.readRetry = ProviderClient.honouringRetryAfter(retries, NAME + "-read", settings.maxRetryAfter());
        this.signature = new TimestampedSignature("s", settings.webhookSecret(), settings.webhookTolerance());
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** XOF only: it has no minor unit, so the platform's amount is FedaPay's whole francs. */
    @Override
    public boolean takes(String currency) {
        return CURRENCY.equalsIgnoreCase(currency);
    }

    /**
     * Creates the transaction (or, on a retried attempt, finds the one an earlier attempt created), then asks for its
     * token and pushes the prompt to the payer's phone. A transaction that is no longer pending is answered as it is.
     */
    @Override
    public Mono<ProviderPayment> create(CreateProviderPayment body, String idempotencyKey) {
        Mono<ProviderPayment> attempt = ResilientCalls.createOrFindEarlier(search(idempotencyKey), Mono.defer(() -> createTransaction(body, idempotencyKey)))
                .flatMap(transaction -> "pending".equals(text(transaction, "status"))
                        ? pushPrompt(transaction, body.payerPhone()).thenReturn(transaction)
                                .onErrorResume(ProviderClient.Rejected.class, refused -> discard(transaction).then(Mono.error(refused)))
                        : Mono.just(transaction))
                .map(transaction -> payment(transaction, pushAction(body.amountMinor())));
        return calls.guarded(attempt, createRetry);
    }

    private Mono<JsonNode> createTransaction(CreateProviderPayment body, String reference) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("description", body.description());
        request.put("amount", body.amountMinor());
        request.put("currency", Map.of("iso", CURRENCY));
        request.put("callback_url", body.returnUrl());
        request.put("merchant_reference", reference);
        request.put("custom_metadata", body.metadata());
        if (body.payerPhone() != null) {
            request.put("customer", Map.of("phone_number", phone(body.payerPhone())));
        }
        request.put("include", "currency");
        return web.post().uri("/v1/transactions").bodyValue(request)
                .exchangeToMono(response -> ResilientCalls.json(response, "FedaPay create"))
                .map(answer -> entity(answer, "v1/transaction"));
    }

    private Mono<Void> pushPrompt(JsonNode transaction, String phone) {
        String id = text(transaction, "id");
        return web.post().uri("/v1/transactions/{id}/token", id)
                .exchangeToMono(response -> ResilientCalls.json(response, "FedaPay token"))
                .flatMap(token -> {
                    Map<String, Object> request = new LinkedHashMap<>();
                    request.put("token", text(token, "token"));
                    if (phone != null) {
                        request.put("phone_number", phone(phone));
                    }
                    return web.post().uri("/v1/{mode}", settings.modeFor(phone)).bodyValue(request)
                            .exchangeToMono(response -> ResilientCalls.json(response, "FedaPay send"));
                })
                .then();
    }

    /**
     * FedaPay refused the token or the prompt (an unknown mode, a phone the operator refuses): the payment fails here, so
     * its transaction is deleted there, best effort, rather than left pending with nobody asked to pay it.
     */
    private Mono<Void> discard(JsonNode transaction) {
        return web.delete().uri("/v1/transactions/{id}", text(transaction, "id")).retrieve().toBodilessEntity()
                .then().onErrorResume(e -> Mono.empty());
    }

    @Override
    public Mono<Optional<ProviderPayment>> get(String providerPaymentId) {
        Mono<Optional<ProviderPayment>> call = web.get().uri("/v1/transactions/{id}", providerPaymentId)
                .exchangeToMono(response -> response.statusCode().value() == HttpStatus.NOT_FOUND.value()
                        ? response.releaseBody().thenReturn(Optional.<ProviderPayment>empty())
                        : ResilientCalls.json(response, "FedaPay read").map(answer -> Optional.of(payment(entity(answer, "v1/transaction"), null))));
        return calls.guarded(call, readRetry);
    }

    @Override
    public Mono<KeyLookup> findByIdempotencyKey(String idempotencyKey) {
        return calls.guarded(search(idempotencyKey), readRetry)
                .map(found -> KeyLookup.found(payment(found, null)))
                .defaultIfEmpty(KeyLookup.none());
    }

    /** The transaction whose {@code merchant_reference} is ours, if FedaPay has one. */
    private Mono<JsonNode> search(String reference) {
        return web.get().uri(uri -> uri.path("/v1/transactions/search").queryParam("q", reference).build())
                .exchangeToMono(response -> ResilientCalls.json(response, "FedaPay search"))
                .flatMap(answer -> {
                    // documented as a bare array; FedaPay's SDKs read lists wrapped under the class name
                    JsonNode list = answer.isArray() ? answer : answer.path("v1/transactions");
                    for (JsonNode transaction : list) {
                        if (reference.equals(text(transaction, "merchant_reference"))) {
                            return Mono.just(transaction);
                        }
                    }
                    return Mono.empty();
                });
    }

    /**
     * {@code DELETE /v1/transactions/{id}}: 2xx cancelled; 404 unknown; any other refusal means the transaction moved on
     * (FedaPay only deletes pending ones), so it is read and answered as not cancellable with what it is now.
     */
    @Override
    public Mono<CancelResult> cancel(String providerPaymentId) {
        Mono<CancelResult> call = web.delete().uri("/v1/transactions/{id}", providerPaymentId)
                .exchangeToMono(response -> {
                    int status = response.statusCode().value();
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.releaseBody().thenReturn(new CancelResult(CancelResult.Kind.CANCELLED, null));
                    }
                    if (status == HttpStatus.NOT_FOUND.value()) {
                        return response.releaseBody().thenReturn(new CancelResult(CancelResult.Kind.UNKNOWN, null));
                    }
                    if (status == HttpStatus.BAD_REQUEST.value() || status == HttpStatus.CONFLICT.value()
                            || status == HttpStatus.UNPROCESSABLE_CONTENT.value()) {
                        return response.releaseBody().thenReturn(new CancelResult(CancelResult.Kind.NOT_CANCELLABLE, null));
                    }
                    return ResilientCalls.<CancelResult>failure(response, false);
                });
        return calls.guarded(call, null).flatMap(result -> result.kind() != CancelResult.Kind.NOT_CANCELLABLE ? Mono.just(result)
                : get(providerPaymentId).map(now -> new CancelResult(CancelResult.Kind.NOT_CANCELLABLE, now.orElse(null)))
                        .onErrorReturn(ProviderException.class, result));
    }

    @Override
    public Mono<ProviderRefund> refund(String providerPaymentId, long amountMinor, String currency, String reason,
                                       String idempotencyKey) {
        return Mono.error(ResilientCalls.unsupported("FedaPay offers no refund through its API; refund it in the FedaPay "
                + "dashboard", settings.retryAfter()));
    }

    // ---- webhook --------------------------------------------------------------------------------------------------

    @Override
    public SignatureCheck verify(HttpHeaders headers, byte[] body, Instant now) {
        return signature.verify(headers.getFirst(SIGNATURE_HEADER), body, now);
    }

    /**
     * A FedaPay event: {@code {"id"?, "name": "transaction.<what>", "entity": <transaction>}}. The transaction's own
     * {@code status} is applied whatever the event's name. Without an {@code id} the event is identified by name,
     * transaction, status and {@code updated_at}: what a redelivery of the same change repeats.
     */
    @Override
    public Optional<ProviderEvent> parse(byte[] body) {
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        String name = text(event, "name");
        JsonNode entity = event.path("entity");
        if (name == null || !entity.isObject()) {
            return Optional.empty();
        }
        String eventId = text(event, "id") != null ? text(event, "id")
                : String.join(":", name, String.valueOf(text(entity, "id")), String.valueOf(text(entity, "status")),
                        String.valueOf(text(entity, "updated_at")));
        if (!name.startsWith("transaction.") || text(entity, "id") == null) {
            return Optional.of(ProviderEvent.unrecognized(eventId, "FedaPay event " + name + " is not about a transaction"));
        }
        ProviderPayment payment = payment(entity, null);
        return Optional.of(payment.status() == null
                ? ProviderEvent.unrecognized(eventId, "FedaPay transaction status " + text(entity, "status") + " is not mapped")
                : ProviderEvent.payment(eventId, payment));
    }

    // ---- FedaPay's shapes -----------------------------------------------------------------------------------------

    /** A FedaPay transaction in the contract's terms; its status null when it has no counterpart there. */
    private static ProviderPayment payment(JsonNode transaction, NextAction next) {
        String fedapayStatus = text(transaction, "status");
        String status = status(fedapayStatus);
        String reason = "declined".equals(fedapayStatus) ? "payer_declined" : "expired".equals(fedapayStatus) ? "expired" : null;
        String currency = text(transaction.path("currency"), "iso");
        Map<String, String> metadata = new LinkedHashMap<>();
        transaction.path("custom_metadata").properties().forEach(field -> metadata.put(field.getKey(), field.getValue().asString()));
        return new ProviderPayment(text(transaction, "id"), status,
                transaction.path("amount").isIntegralNumber() ? transaction.path("amount").asLong() : null,
                // the adapter only creates XOF transactions; an answer without the currency object is read as XOF
                currency == null ? CURRENCY : currency, "mobile_money",
                status != null && ("pending".equals(status)) ? next : null, reason, metadata);
    }

    static String status(String fedapayStatus) {
        if (fedapayStatus == null) {
            return null;
        }
        return switch (fedapayStatus) {
            case "pending" -> "pending";
            case "approved", "transferred" -> "completed";
            case "declined", "expired" -> "failed";
            case "canceled" -> "cancelled";
            default -> null;
        };
    }

    private static NextAction pushAction(long amount) {
        return new NextAction("push", null, "Confirm the payment of " + amount + " XOF on your phone");
    }

    private static Map<String, String> phone(String e164) {
        return Map.of("number", e164);
    }


    /** FedaPay wraps a resource under its class name ({@code "v1/transaction"}); bare bodies are read as the resource. */
    private static JsonNode entity(JsonNode answer, String klass) {
        return answer.has(klass) ? answer.get(klass) : answer;
    }

}
