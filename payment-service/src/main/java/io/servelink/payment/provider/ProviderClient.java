package io.servelink.payment.provider;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.netty.channel.ChannelOption;
import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one client of the payment provider (contract: docs/PAYMENT_BACKEND_SPEC.md). Every call runs under the
 * Resilience4j time limiter and circuit breaker {@code provider}; reads retry ({@code provider-read}, GET is
 * idempotent) and so does create ({@code provider-create}) because every attempt carries the same
 * {@code Idempotency-Key}. Cancel is not retried. Failures surface as {@link ProviderException} saying what is
 * known about the payment at the provider.
 */
@Component
public class ProviderClient {

    static final String INSTANCE = "provider";

    private final WebClient web;
    private final ProviderSettings settings;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final Retry createRetry;
    private final Retry readRetry;

    ProviderClient(ProviderSettings settings, JsonMapper json, CircuitBreakerRegistry breakers,
                   TimeLimiterRegistry timeLimiters, RetryRegistry retries) {
        this.settings = settings;
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
        this.web = WebClient.builder()
                .baseUrl(settings.baseUrl().toString())
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey())
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> {
                    codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(json));
                    codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(json));
                })
                .build();
        this.breaker = breakers.circuitBreaker(INSTANCE);
        this.timeLimiter = timeLimiters.timeLimiter(INSTANCE);
        this.createRetry = retries.retry("provider-create");
        this.readRetry = retries.retry("provider-read");
    }

    /** Creates the payment; retried attempts carry the same idempotency key, so at most one payment exists. */
    public Mono<ProviderPayment> create(CreateProviderPayment body, String idempotencyKey) {
        Mono<ProviderPayment> call = web.post().uri("/v1/payments")
                .header("Idempotency-Key", idempotencyKey)
                .bodyValue(body)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(ProviderPayment.class)
                        : failure(response));
        return guarded(call, createRetry);
    }

    public Mono<ProviderPayment> get(String providerPaymentId) {
        Mono<ProviderPayment> call = web.get().uri("/v1/payments/{id}", providerPaymentId)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(ProviderPayment.class)
                        : failure(response));
        return guarded(call, readRetry);
    }

    /** The payment created with this idempotency key, or empty when none was (the create never arrived). */
    public Mono<Optional<ProviderPayment>> findByIdempotencyKey(String idempotencyKey) {
        Mono<Optional<ProviderPayment>> call = web.get().uri("/v1/payments/by-idempotency-key/{key}", idempotencyKey)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(ProviderPayment.class).map(Optional::of);
                    }
                    if (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) {
                        return response.releaseBody().thenReturn(Optional.<ProviderPayment>empty());
                    }
                    return failure(response);
                });
        return guarded(call, readRetry);
    }

    /** Cancels at the provider. Not retried: a cancel whose answer was lost is settled by reconciliation. */
    public Mono<CancelResult> cancel(String providerPaymentId) {
        Mono<CancelResult> call = web.post().uri("/v1/payments/{id}/cancel", providerPaymentId)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(ProviderPayment.class).map(p -> new CancelResult(true, p));
                    }
                    if (response.statusCode().value() == HttpStatus.CONFLICT.value()) {
                        return response.bodyToMono(NotCancellable.class).map(body -> new CancelResult(false, body.payment()));
                    }
                    return failure(response);
                });
        return guarded(call, null);
    }

    /** The provider's answer to a cancel: cancelled, or not cancellable any more with the payment's real state. */
    public record CancelResult(boolean cancelled, ProviderPayment payment) {
    }

    record NotCancellable(String error, ProviderPayment payment) {
    }

    private <T> Mono<T> failure(ClientResponse response) {
        if (response.statusCode().is4xxClientError() && response.statusCode().value() != HttpStatus.CONFLICT.value()) {
            return response.bodyToMono(String.class).defaultIfEmpty("")
                    .flatMap(body -> Mono.error(new Rejected(response.statusCode().value(), body)));
        }
        return response.createException().flatMap(Mono::error);
    }

    private <T> Mono<T> guarded(Mono<T> call, Retry retry) {
        return Mono.defer(() -> {
            // set when an attempt may have reached the provider: then a later "not sent" does not prove nothing happened
            AtomicBoolean mayHaveReached = new AtomicBoolean();
            Mono<T> attempt = call.transformDeferred(TimeLimiterOperator.of(timeLimiter))
                    .transformDeferred(CircuitBreakerOperator.of(breaker))
                    .doOnError(e -> mayHaveReached.compareAndSet(false, !notSent(e)));
            if (retry != null) {
                attempt = attempt.transformDeferred(RetryOperator.of(retry));
            }
            return attempt.onErrorMap(e -> !(e instanceof ProviderException), e -> classify(e, mayHaveReached.get()));
        });
    }

    private static boolean notSent(Throwable e) {
        return e instanceof CallNotPermittedException
                || e instanceof WebClientRequestException && e.getCause() instanceof ConnectException;
    }

    private ProviderException classify(Throwable e, boolean mayHaveReached) {
        if (e instanceof Rejected rejected) {
            return new ProviderException(ProviderException.Kind.REJECTED,
                    "The provider refused the request (" + rejected.status + ")", settings.retryAfter(), e);
        }
        if (notSent(e) && !mayHaveReached) {
            return new ProviderException(ProviderException.Kind.NOT_SENT, "The provider is unavailable", settings.retryAfter(), e);
        }
        return new ProviderException(ProviderException.Kind.OUTCOME_UNKNOWN,
                "The provider did not answer in time or failed", settings.retryAfter(), e);
    }

    /** A 4xx answer: the provider refused; neither retried nor counted by the circuit breaker. */
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
}
