package io.servelink.payment.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.servelink.contracts.spring.ApiProblem;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one client of resources-service: it quotes the price of what a team buys, so that no amount ever comes
 * from a client. The caller's token is relayed (resources checks the team itself). Resilience4j instance
 * {@code resources}: time limiter, retry (GET is idempotent), circuit breaker. Its refusals become the
 * caller's 4xx naming {@code reference}; its absence becomes a 503 with {@code Retry-After}.
 */
@Component
class ResourcesClient {

    private static final String INSTANCE = "resources";

    private final WebClient web;
    private final PaymentSettings settings;
    private final CircuitBreakerOperator<Quote> breaker;
    private final TimeLimiterOperator<Quote> timeLimiter;
    private final RetryOperator<Quote> retry;

    ResourcesClient(PaymentSettings settings, JsonMapper json, CircuitBreakerRegistry breakers,
                    TimeLimiterRegistry timeLimiters, RetryRegistry retries) {
        this.settings = settings;
        this.web = WebClient.builder()
                .baseUrl(settings.resourcesUrl().toString())
                .codecs(codecs -> {
                    codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(json));
                    codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(json));
                })
                .build();
        this.breaker = CircuitBreakerOperator.of(breakers.circuitBreaker(INSTANCE));
        this.timeLimiter = TimeLimiterOperator.of(timeLimiters.timeLimiter(INSTANCE));
        this.retry = RetryOperator.of(retries.retry(INSTANCE));
    }

    Mono<Quote> quote(String teamSlug, String purpose, String reference, String authorization) {
        return web.get()
                .uri(uri -> uri.path("/api/resources/{team}/quote")
                        .queryParam("purpose", "{purpose}").queryParam("reference", "{reference}")
                        .build(teamSlug, purpose, reference))
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(Quote.class)
                        : refusal(response, reference))
                .transformDeferred(timeLimiter)
                .transformDeferred(breaker)
                .transformDeferred(retry)
                .onErrorMap(e -> !(e instanceof ApiProblem), e -> ApiProblem.unavailable(
                        "The catalog (resources-service) is unavailable; try again later", settings.retryAfter()))
                .filter(Quote::isUsable)
                .switchIfEmpty(Mono.error(() -> ApiProblem.unavailable(
                        "The catalog answered an unusable price; try again later", settings.retryAfter())));
    }

    @SuppressWarnings("unchecked")
    private Mono<Quote> refusal(ClientResponse response, String reference) {
        int status = response.statusCode().value();
        if (status >= 500) {
            return response.createException().flatMap(Mono::error);
        }
        return response.bodyToMono(Map.class).onErrorReturn(Map.of()).defaultIfEmpty(Map.of())
                .flatMap(body -> {
                    Object detail = ((Map<String, Object>) body).get("detail");
                    String why = detail == null ? "is not available for this team" : detail.toString();
                    return Mono.error(switch (status) {
                        case 404 -> ApiProblem.notFound("reference: '" + reference + "' is not in the catalog (" + why + ")");
                        case 403 -> ApiProblem.forbidden(why);
                        case 409 -> ApiProblem.conflict("reference: " + why);
                        default -> ApiProblem.invalid("reference", why);
                    });
                });
    }
}
