package io.servelink.resources.paymentclient;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.netty.channel.ChannelOption;
import io.servelink.contracts.spring.ApiProblem;
import io.servelink.resources.ResourcesSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one client of payment-service. Every call runs under the Resilience4j time limiter and circuit breaker
 * {@code payments} (configured in application.yml). Starting a payment is a POST that creates something, so it is
 * never retried here: a retry after a timeout could start a second payment. Each call carries an
 * {@code Idempotency-Key} all the same, so payment-service can deduplicate a caller's own retry.
 * <p>
 * Outcomes: the payment started; a 4xx problem of payment-service relayed as {@link PaymentRejected}; anything
 * else (5xx, timeout, connection refused, circuit open) a 503 problem with {@code Retry-After}.
 */
@Component
public class PaymentsClient {

    private static final Logger log = LoggerFactory.getLogger(PaymentsClient.class);
    private static final String INSTANCE = "payments";

    private final WebClient web;
    private final CircuitBreaker circuitBreaker;
    private final TimeLimiter timeLimiter;
    private final Duration retryAfter;

    PaymentsClient(ResourcesSettings settings, JsonMapper json, CircuitBreakerRegistry circuitBreakers,
                   TimeLimiterRegistry timeLimiters) {
        HttpClient http = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000);
        this.web = WebClient.builder()
                .baseUrl(settings.paymentUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> {
                    codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(json));
                    codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(json));
                })
                .build();
        this.circuitBreaker = circuitBreakers.circuitBreaker(INSTANCE);
        this.timeLimiter = timeLimiters.timeLimiter(INSTANCE);
        this.retryAfter = settings.paymentRetryAfter();
    }

    /**
     * Starts a payment for the team.
     *
     * @param bearerToken    the caller's token (relayed), or the service token of the renewal job
     * @param idempotencyKey stable for the same intent, e.g. the reference
     */
    public Mono<PaymentStarted> initiate(String teamSlug, InitiatePayment request, String bearerToken, String idempotencyKey) {
        return web.post()
                .uri("/api/payments/{team_slug}/initiate", teamSlug)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearerToken)
                .header("Idempotency-Key", idempotencyKey)
                .bodyValue(request)
                .retrieve()
                .onStatus(HttpStatusCode::is4xxClientError, PaymentsClient::rejected)
                .onStatus(HttpStatusCode::is5xxServerError, response -> response.releaseBody()
                        .then(Mono.error(new PaymentServiceFailed("payment-service answered " + response.statusCode()))))
                .bodyToMono(PaymentStarted.class)
                .switchIfEmpty(Mono.error(() -> new PaymentServiceFailed("payment-service answered without a body")))
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .onErrorMap(e -> !(e instanceof PaymentRejected), this::unavailable);
    }

    private Throwable unavailable(Throwable cause) {
        log.warn("payment-service unavailable: {}", cause.toString());
        Duration wait = cause instanceof CallNotPermittedException
                ? Duration.ofMillis(circuitBreaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
                : retryAfter;
        return ApiProblem.unavailable("The payment service is unavailable; no payment was started. Please retry later.", wait);
    }

    private static Mono<Throwable> rejected(ClientResponse response) {
        return response.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() { })
                .defaultIfEmpty(Map.of())
                .map(body -> new PaymentRejected(response.statusCode(), problem(response.statusCode(), body)));
    }

    private static ProblemDetail problem(HttpStatusCode status, Map<String, Object> body) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        body.forEach((key, value) -> {
            switch (key) {
                case "type" -> problem.setType(URI.create(String.valueOf(value)));
                case "title" -> problem.setTitle(String.valueOf(value));
                case "detail" -> problem.setDetail(String.valueOf(value));
                case "status", "instance" -> { }
                default -> problem.setProperty(key, value);
            }
        });
        if (problem.getDetail() == null) {
            problem.setDetail("The payment service refused the payment");
        }
        return problem;
    }

    /** payment-service failed (5xx or an empty answer): counts against the circuit breaker. */
    static final class PaymentServiceFailed extends RuntimeException {
        PaymentServiceFailed(String message) {
            super(message);
        }
    }
}
