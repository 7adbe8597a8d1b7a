package io.servelink.starter.client;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.servelink.starter.ApiProblem;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * The HTTP client of one peer, made by {@link PeerClients}: a {@link WebClient} from Boot's builder (metrics, trace
 * propagation) with the peer's connect and response timeouts, and the Resilience4j instances named after the peer.
 * <p>
 * A call is built on {@link #web()} and then guarded: {@link #idempotent} for a GET or a call that carries an
 * {@code Idempotency-Key} (time limiter inside the circuit breaker inside the retry), {@link #once} for anything else
 * (time limiter inside the circuit breaker, no retry). The rules are the same for every peer and set here, not in
 * configuration: a retry follows an I/O error, a timeout, or a 500, 502, 503 or 504, never a 4xx; the breaker ignores
 * {@link PeerRejected} (a 4xx). Configuration sets the numbers: attempts and waits, breaker windows, time limits.
 * <p>
 * Errors: {@code onStatus(HttpStatusCode::isError, peer::problem)} turns a 4xx into {@link PeerRejected} holding
 * the peer's problem and a 5xx into {@link PeerFailed}; {@link #unavailable} is the caller's own 503 for everything
 * that is not the peer's refusal.
 */
public final class PeerClient {

    private static final Set<Integer> RETRIED_STATUSES = Set.of(500, 502, 503, 504);

    private final String name;
    private final WebClient web;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final Supplier<Retry> retry;

    PeerClient(String name, WebClient web, CircuitBreaker breaker, TimeLimiter timeLimiter, Supplier<Retry> retry) {
        this.name = name;
        this.web = web;
        this.breaker = breaker;
        this.timeLimiter = timeLimiter;
        this.retry = retry;
    }

    /** The peer's name, which is also the name of its Resilience4j instances. */
    public String name() {
        return name;
    }

    /** The client to build a call with; its base URL is the peer's. */
    public WebClient web() {
        return web;
    }

    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    public TimeLimiter timeLimiter() {
        return timeLimiter;
    }

    /** A call that must not be repeated (a POST without an idempotency key): time limiter inside the breaker. */
    public <T> Mono<T> once(Mono<T> call) {
        return call.transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(breaker));
    }

    /**
     * A call the peer may see more than once without harm (a GET, or a request with an {@code Idempotency-Key} that
     * every attempt repeats): {@link #once} inside the retry of the peer's Resilience4j instance.
     */
    public <T> Mono<T> idempotent(Mono<T> call) {
        return once(call).transformDeferred(RetryOperator.of(retry.get()));
    }

    /** Whether a failed attempt is worth another: an I/O error, a timeout, a 500, 502, 503 or 504. Never a 4xx. */
    public static boolean retryable(Throwable e) {
        if (e instanceof PeerFailed failed) {
            return failed.status() != null && RETRIED_STATUSES.contains(failed.status().value());
        }
        if (e instanceof WebClientResponseException response) {
            return RETRIED_STATUSES.contains(response.getStatusCode().value());
        }
        return e instanceof WebClientRequestException || e instanceof TimeoutException;
    }

    /**
     * For {@code onStatus(HttpStatusCode::isError, peer::problem)}: a 4xx becomes {@link PeerRejected} with the
     * peer's problem (a bare problem of that status when the body is none), anything else {@link PeerFailed}.
     */
    public Mono<? extends Throwable> problem(ClientResponse response) {
        HttpStatusCode status = response.statusCode();
        if (!status.is4xxClientError()) {
            return response.releaseBody().thenReturn(new PeerFailed(name, status));
        }
        return response.bodyToMono(ProblemDetail.class)
                .onErrorResume(unreadable -> Mono.empty())
                .defaultIfEmpty(ProblemDetail.forStatus(status))
                .map(problem -> {
                    problem.setStatus(status.value());
                    return new PeerRejected(status, problem);
                });
    }

    /**
     * This service's 503 for a peer that did not answer usefully: {@code Retry-After} is the breaker's wait when it is
     * open (the peer was not called), otherwise {@code retryAfter}.
     */
    public ApiProblem unavailable(String detail, Throwable cause, Duration retryAfter) {
        Duration wait = cause instanceof CallNotPermittedException
                ? Duration.ofMillis(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
                : retryAfter;
        return ApiProblem.unavailable(detail, wait);
    }
}
