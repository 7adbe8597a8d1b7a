package io.servelink.payment.provider;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * How every provider adapter guards a call: the adapter's time limiter inside its circuit breaker, inside its retry
 * when the call may be repeated; what a failure proves about the payment at the provider comes out as a
 * {@link ProviderException}. One instance per adapter, built on that adapter's {@code PeerClient} instances.
 */
final class ResilientCalls {

    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final Duration retryAfter;

    ResilientCalls(CircuitBreaker breaker, TimeLimiter timeLimiter, Duration retryAfter) {
        this.breaker = breaker;
        this.timeLimiter = timeLimiter;
        this.retryAfter = retryAfter;
    }

    /**
     * A provider's error answer as the exception the breaker and retries know: 429 {@code Throttled}, any other 4xx
     * {@code Rejected} (a 409 is {@code KeyInFlight} where the provider's contract says so), 5xx the WebClient's own.
     */
    static <T> Mono<T> failure(ClientResponse response, boolean conflictMeansKeyInFlight) {
        int status = response.statusCode().value();
        if (status == HttpStatus.CONFLICT.value() && conflictMeansKeyInFlight) {
            // the contract's 409s: a refusal ("not_refundable"), else "key_in_flight" (retry with the same key), the safe
            // reading whatever the body: a create that may be in flight is never taken for one that was refused
            return response.bodyToMono(String.class).defaultIfEmpty("")
                    .flatMap(body -> Mono.error(body.contains("\"not_refundable\"")
                            ? new ProviderClient.Rejected(status, body) : new ProviderClient.KeyInFlight()));
        }
        if (status == HttpStatus.TOO_MANY_REQUESTS.value()) {
            Duration wait = retryAfter(response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER));
            return response.releaseBody().then(Mono.error(new ProviderClient.Throttled(wait)));
        }
        if (response.statusCode().is4xxClientError()) {
            return response.bodyToMono(String.class).defaultIfEmpty("")
                    .flatMap(body -> Mono.error(new ProviderClient.Rejected(status, body)));
        }
        return response.createException().flatMap(Mono::error);
    }

    /** A {@code Retry-After} in seconds, or null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A create that is safe to retry without relying on the provider's idempotency: the first attempt creates; each
     * later attempt first looks for what an earlier one may have created ({@code find}, empty when nothing) and
     * creates only when it finds nothing.
     */
    static <T> Mono<T> createOrFindEarlier(Mono<T> find, Mono<T> create) {
        AtomicInteger attempts = new AtomicInteger();
        return Mono.defer(() -> (attempts.incrementAndGet() > 1 ? find : Mono.<T>empty()).switchIfEmpty(create));
    }

    /** A JSON answer: its body on a 2xx (an empty one is {@code EmptyAnswer}), else {@link #failure}. */
    static Mono<JsonNode> json(ClientResponse response, String call) {
        if (!response.statusCode().is2xxSuccessful()) {
            return failure(response, false);
        }
        return response.bodyToMono(JsonNode.class).switchIfEmpty(Mono.error(() -> new ProviderClient.EmptyAnswer(call)));
    }

    /** A field's text, or null when it is missing or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }

    /** The call under the time limiter and breaker, retried by {@code retry} when not null. */
    <T> Mono<T> guarded(Mono<T> call, Retry retry) {
        return Mono.defer(() -> {
            // set when an attempt may have reached the provider: then a later "not sent" does not prove nothing happened
            AtomicBoolean mayHaveReached = new AtomicBoolean();
            // set when the provider said it holds the idempotency key (409 in flight)
            AtomicBoolean keySeen = new AtomicBoolean();
            AtomicReference<Duration> providerRetryAfter = new AtomicReference<>();
            Mono<T> attempt = call.transformDeferred(TimeLimiterOperator.of(timeLimiter))
                    .transformDeferred(CircuitBreakerOperator.of(breaker))
                    .doOnError(e -> {
                        mayHaveReached.compareAndSet(false, !notSent(e));
                        keySeen.compareAndSet(false, e instanceof ProviderClient.KeyInFlight);
                        if (e instanceof ProviderClient.Throttled throttled && throttled.retryAfter != null) {
                            providerRetryAfter.set(throttled.retryAfter);
                        }
                    });
            if (retry != null) {
                attempt = attempt.transformDeferred(RetryOperator.of(retry));
            }
            return attempt.onErrorMap(e -> !(e instanceof ProviderException),
                    e -> classify(e, mayHaveReached.get(), keySeen.get(), providerRetryAfter.get()));
        });
    }

    /** Whether a failed attempt surely did nothing at the provider. */
    private static boolean notSent(Throwable e) {
        return e instanceof CallNotPermittedException || e instanceof ProviderClient.Throttled
                || e instanceof WebClientRequestException && e.getCause() instanceof ConnectException;
    }

    private ProviderException classify(Throwable e, boolean mayHaveReached, boolean keySeen, Duration providerRetryAfter) {
        Duration wait = providerRetryAfter != null && providerRetryAfter.compareTo(retryAfter) > 0 ? providerRetryAfter : retryAfter;
        if (e instanceof ProviderClient.Rejected rejected) {
            return new ProviderException(ProviderException.Kind.REJECTED,
                    "The provider refused the request (" + rejected.status + ")", wait, keySeen, e);
        }
        if (notSent(e) && !mayHaveReached) {
            return new ProviderException(ProviderException.Kind.NOT_SENT, "The provider is unavailable", wait, false, e);
        }
        return new ProviderException(ProviderException.Kind.OUTCOME_UNKNOWN,
                keySeen ? "The provider was still processing the request" : "The provider did not answer in time or failed",
                wait, keySeen, e);
    }

    /** A refusal made here, before any call (e.g. an operation the provider's API does not offer). */
    static ProviderException unsupported(String what, Duration retryAfter) {
        return new ProviderException(ProviderException.Kind.REJECTED, what, retryAfter, false,
                new ProviderClient.Rejected(501, what));
    }
}
