package io.servelink.payment.provider;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The {@code generic} adapter: the client of a provider speaking the service's own contract
 * (docs/PAYMENT_BACKEND_SPEC.md, which lists every answer a call may get and what this client makes of it), and the
 * adapter of every payment no route sends elsewhere. Built as the {@link PeerClient} {@code provider} (Boot's WebClient, the
 * connect and response timeouts of {@link ProviderSettings}). Every call runs under the Resilience4j time limiter and
 * circuit breaker {@code provider}. The contract's answers decide what is retried, so the retries are this client's
 * own: reads retry ({@code provider-read}, GET is idempotent), and so do create and refund ({@code provider-create})
 * because every attempt carries the same {@code Idempotency-Key}. Cancel is not retried.
 *
 * <p>Answers the contract defines are not failures of the provider: a 409 "key in flight" and a 429 are retried
 * (a 429 after its {@code Retry-After}, capped by {@code provider.max-retry-after}) and, like every other 4xx, never
 * count against the circuit breaker. Failures surface as {@link ProviderException} saying what is known about the
 * payment at the provider.
 */
@Component
public class ProviderClient implements PaymentProvider {

    /** This adapter's name in {@code servelink.payment.providers.routes}. */
    public static final String NAME = "generic";

    static final String INSTANCE = "provider";

    private final WebClient web;
    private final ResilientCalls calls;
    private final Retry createRetry;
    private final Retry readRetry;

    ProviderClient(ProviderSettings settings, PeerClients peers, RetryRegistry retries) {
        PeerClient provider = peers.peer(INSTANCE, settings.baseUrl())
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .web(web -> web.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey()))
                .build();
        this.web = provider.web();
        this.calls = new ResilientCalls(provider.circuitBreaker(), provider.timeLimiter(), settings.retryAfter());
        this.createRetry = honouringRetryAfter(retries, "provider-create", settings.maxRetryAfter());
        this.readRetry = honouringRetryAfter(retries, "provider-read", settings.maxRetryAfter());
    }

    /**
     * The configured retry, waiting a 429's {@code Retry-After} (at most {@code cap}) instead of its own backoff before
     * the next attempt. A longer {@code Retry-After} is not waited for: that attempt is the last.
     */
    static Retry honouringRetryAfter(RetryRegistry retries, String name, Duration cap) {
        Retry configured = retries.retry(name);
        RetryConfig base = configured.getRetryConfig();
        IntervalBiFunction<Object> standard = base.getIntervalBiFunction() != null ? base.getIntervalBiFunction()
                : (attempt, outcome) -> base.getIntervalFunction().apply(attempt);
        Predicate<Throwable> retryable = base.getExceptionPredicate();
        RetryConfig config = RetryConfig.from(base)
                .intervalFunction(null)
                .intervalBiFunction((attempt, outcome) -> outcome.isLeft() && outcome.getLeft() instanceof Throttled throttled
                        && throttled.retryAfter != null ? throttled.retryAfter.toMillis() : standard.apply(attempt, outcome))
                .retryOnException(e -> e instanceof Throttled throttled
                        ? throttled.retryAfter == null || throttled.retryAfter.compareTo(cap) <= 0
                        : retryable.test(e))
                .build();
        Retry replacement = Retry.of(name, config, configured.getTags());
        retries.replace(name, replacement); // the registry's metrics follow the replacement
        return replacement;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The generic contract takes any currency the catalog quotes. */
    @Override
    public boolean takes(String currency) {
        return true;
    }

    /**
     * Creates the payment; retried attempts carry the same idempotency key, so at most one payment exists. The answer
     * is returned as the provider gave it: {@link CreateAnswers} checks it against the request.
     */
    @Override
    public Mono<ProviderPayment> create(CreateProviderPayment body, String idempotencyKey) {
        Mono<ProviderPayment> call = web.post().uri("/v1/payments")
                .header("Idempotency-Key", idempotencyKey)
                .bodyValue(body)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(ProviderPayment.class).switchIfEmpty(Mono.error(() -> new EmptyAnswer("create")))
                        : failure(response));
        return guarded(call, createRetry);
    }

    /** The payment, or empty when the provider does not know (or no longer knows) the id. */
    @Override
    public Mono<Optional<ProviderPayment>> get(String providerPaymentId) {
        Mono<Optional<ProviderPayment>> call = web.get().uri("/v1/payments/{id}", providerPaymentId)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(ProviderPayment.class).map(Optional::of)
                                .switchIfEmpty(Mono.error(() -> new EmptyAnswer("read")));
                    }
                    if (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) {
                        return response.releaseBody().thenReturn(Optional.<ProviderPayment>empty());
                    }
                    return failure(response);
                });
        return guarded(call, readRetry);
    }

    /** The payment created with this idempotency key, a create in flight with it (409), or none (404). */
    @Override
    public Mono<KeyLookup> findByIdempotencyKey(String idempotencyKey) {
        Mono<KeyLookup> call = web.get().uri("/v1/payments/by-idempotency-key/{key}", idempotencyKey)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(ProviderPayment.class).map(KeyLookup::found)
                                .switchIfEmpty(Mono.error(() -> new EmptyAnswer("lookup")));
                    }
                    if (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) {
                        return response.releaseBody().thenReturn(new KeyLookup(KeyLookup.State.NONE, null));
                    }
                    if (response.statusCode().value() == HttpStatus.CONFLICT.value()) {
                        return response.releaseBody().thenReturn(new KeyLookup(KeyLookup.State.IN_FLIGHT, null));
                    }
                    return failure(response);
                });
        return guarded(call, readRetry);
    }

    /** Cancels at the provider. Not retried: a cancel whose answer was lost is settled by reconciliation. */
    @Override
    public Mono<CancelResult> cancel(String providerPaymentId) {
        Mono<CancelResult> call = web.post().uri("/v1/payments/{id}/cancel", providerPaymentId)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(ProviderPayment.class)
                                .map(p -> new CancelResult(CancelResult.Kind.CANCELLED, p))
                                .defaultIfEmpty(new CancelResult(CancelResult.Kind.CANCELLED, null));
                    }
                    if (response.statusCode().value() == HttpStatus.CONFLICT.value()) {
                        return response.bodyToMono(NotCancellable.class)
                                .map(body -> new CancelResult(CancelResult.Kind.NOT_CANCELLABLE, body.payment()))
                                .defaultIfEmpty(new CancelResult(CancelResult.Kind.NOT_CANCELLABLE, null));
                    }
                    if (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) {
                        return response.releaseBody().thenReturn(new CancelResult(CancelResult.Kind.UNKNOWN, null));
                    }
                    return failure(response);
                });
        return guarded(call, null);
    }

    record NotCancellable(String error, ProviderPayment payment) {
    }

    /**
     * Refunds a completed payment in full. Retried like create: every attempt carries the same key, so the payer is
     * refunded at most once.
     */
    @Override
    public Mono<ProviderRefund> refund(String providerPaymentId, long amountMinor, String currency, String reason,
                                       String idempotencyKey) {
        Mono<ProviderRefund> call = web.post().uri("/v1/payments/{id}/refund", providerPaymentId)
                .header("Idempotency-Key", idempotencyKey)
                .bodyValue(new RefundRequest(amountMinor, currency, reason))
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(ProviderRefund.class).switchIfEmpty(Mono.error(() -> new EmptyAnswer("refund")))
                        : failure(response));
        return guarded(call, createRetry);
    }

    record RefundRequest(long amountMinor, String currency, String reason) {
    }

    private <T> Mono<T> failure(ClientResponse response) {
        return ResilientCalls.failure(response, true);
    }

    /** A {@code Retry-After} in seconds (the contract's form), or null when absent or unreadable. */
    static Duration retryAfter(String header) {
        return ResilientCalls.retryAfter(header);
    }

    private <T> Mono<T> guarded(Mono<T> call, Retry retry) {
        return calls.guarded(call, retry);
    }

    /** A 4xx answer other than 409 and 429: the provider refused; final, neither retried nor counted by the breaker. */
    static final class Rejected extends RuntimeException {
        final int status;

        Rejected(int status, String body) {
            super("provider answered " + status + ": " + abbreviate(body));
            this.status = status;
        }

        private static String abbreviate(String body) {
            return body.length() > 300 ? body.substring(0, 300) + "…" : body;
        }
    }

    /** 409: a request with the same idempotency key is still being processed; retried with the same key. */
    static final class KeyInFlight extends RuntimeException {
        KeyInFlight() {
            super("provider answered 409: the idempotency key is in flight");
        }
    }

    /** 429: the provider asks to slow down; retried after its {@code Retry-After}; nothing was done. */
    static final class Throttled extends RuntimeException {
        final Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("provider answered 429" + (retryAfter == null ? "" : ", retry after " + retryAfter.toSeconds() + " s"));
            this.retryAfter = retryAfter;
        }
    }

    /** A 2xx without a body where the contract promises one: a provider fault, treated like a 5xx. */
    static final class EmptyAnswer extends RuntimeException {
        EmptyAnswer(String call) {
            super("provider answered the " + call + " with an empty body");
        }
    }
}
