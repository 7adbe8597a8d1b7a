package io.servelink.payment.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.servelink.starter.client.PeerClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.test.StepVerifier;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** What a failed provider call tells the caller about the payment at the provider. */
class ProviderClientTest {

    private static final CreateProviderPayment BODY = new CreateProviderPayment(900, "EUR", "credit_card", null, "Pro plan",
            "http://localhost/api/payments/callback", "http://localhost/back", Map.of("payment_id", "p-1"));

    private final WireMockServer provider = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        provider.start();
    }

    @AfterEach
    void stop() {
        provider.stop();
    }

    private static ProviderClient client(String baseUrl) {
        return client(baseUrl, Duration.ofSeconds(3));
    }

    private static ProviderClient client(String baseUrl, Duration timeout) {
        return client(baseUrl, timeout, CircuitBreakerRegistry.of(BREAKER));
    }

    /** The breaker and retries of application.yml, small. */
    private static final CircuitBreakerConfig BREAKER = CircuitBreakerConfig.custom()
            .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
            .ignoreExceptions(ProviderClient.Rejected.class, ProviderClient.KeyInFlight.class, ProviderClient.Throttled.class)
            .build();

    private static ProviderClient client(String baseUrl, Duration timeout, CircuitBreakerRegistry breakers) {
        RetryConfig retry = RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(20))
                .retryExceptions(WebClientResponseException.class, WebClientRequestException.class, TimeoutException.class,
                        ProviderClient.KeyInFlight.class).build();
        RetryRegistry retries = RetryRegistry.of(retry);
        JsonMapper json = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        return new ProviderClient(
                new ProviderSettings(URI.create(baseUrl), "key", "secret", Duration.ofMinutes(5), Duration.ofSeconds(1),
                        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(2), ""),
                new PeerClients(WebClient::builder, json, breakers,
                        TimeLimiterRegistry.of(TimeLimiterConfig.custom().timeoutDuration(timeout).build()), retries),
                retries);
    }

    private static final String CREATED = """
            {"id": "pay_1", "status": "pending", "amount_minor": 900, "currency": "EUR"}""";

    @Test
    void aKeyInFlightIsRetriedUnderTheSameKeyWithoutOpeningTheBreakerAndThenProvesTheProviderHasTheKey() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(BREAKER);
        provider.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"key_in_flight\"}")));
        ProviderClient client = client(provider.baseUrl(), Duration.ofSeconds(3), breakers);

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(client.create(BODY, "p-1"))
                    .expectErrorSatisfies(e -> {
                        assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.OUTCOME_UNKNOWN);
                        assertThat(((ProviderException) e).keySeen()).isTrue();
                    })
                    .verify(Duration.ofSeconds(10));
        }
        assertThat(provider.findAll(postRequestedFor(urlEqualTo("/v1/payments"))))
                .hasSize(9).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo("p-1"));
        assertThat(breakers.circuitBreaker(ProviderClient.INSTANCE).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aKeyInFlightThatFinishesAnswersThePayment() {
        provider.stubFor(post(urlEqualTo("/v1/payments")).inScenario("in-flight").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(409)).willSetStateTo("done"));
        provider.stubFor(post(urlEqualTo("/v1/payments")).inScenario("in-flight").whenScenarioStateIs("done")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(CREATED)));

        StepVerifier.create(client(provider.baseUrl()).create(BODY, "p-1"))
                .assertNext(payment -> assertThat(payment.id()).isEqualTo("pay_1"))
                .verifyComplete();
    }

    @Test
    void a429IsRetriedAfterItsRetryAfter() {
        provider.stubFor(post(urlEqualTo("/v1/payments")).inScenario("slow-down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        provider.stubFor(post(urlEqualTo("/v1/payments")).inScenario("slow-down").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(CREATED)));

        StepVerifier.create(client(provider.baseUrl()).create(BODY, "p-1"))
                .assertNext(payment -> assertThat(payment.id()).isEqualTo("pay_1"))
                .verifyComplete();
        List<LoggedRequest> attempts = provider.findAll(postRequestedFor(urlEqualTo("/v1/payments")));
        assertThat(attempts).hasSize(2);
        assertThat(Duration.between(attempts.get(0).getLoggedDate().toInstant(), attempts.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void a429AskingForLongerThanTheCapEndsTheCallAsNotSentWithTheProvidersRetryAfter() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(BREAKER);
        provider.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));

        StepVerifier.create(client(provider.baseUrl(), Duration.ofSeconds(3), breakers).create(BODY, "p-1"))
                .expectErrorSatisfies(e -> {
                    assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_SENT);
                    assertThat(((ProviderException) e).retryAfter()).isEqualTo(Duration.ofSeconds(120));
                })
                .verify(Duration.ofSeconds(10));
        provider.verify(1, postRequestedFor(urlEqualTo("/v1/payments")));
        assertThat(breakers.circuitBreaker(ProviderClient.INSTANCE).getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void a404OrA422ToACreateIsAFinalRefusal() {
        for (int status : new int[] {404, 422}) {
            provider.resetAll();
            provider.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(status)));

            StepVerifier.create(client(provider.baseUrl()).create(BODY, "p-" + status))
                    .expectErrorSatisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.REJECTED))
                    .verify(Duration.ofSeconds(10));
            provider.verify(1, postRequestedFor(urlEqualTo("/v1/payments")));
        }
    }

    @Test
    void aKeyLookupAnswered409IsInFlightAnd404IsNone() {
        provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/payments/by-idempotency-key/k-1"))
                .willReturn(aResponse().withStatus(409)));
        provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/payments/by-idempotency-key/k-2"))
                .willReturn(aResponse().withStatus(404)));

        StepVerifier.create(client(provider.baseUrl()).findByIdempotencyKey("k-1"))
                .assertNext(found -> assertThat(found.state()).isEqualTo(KeyLookup.State.IN_FLIGHT)).verifyComplete();
        StepVerifier.create(client(provider.baseUrl()).findByIdempotencyKey("k-2"))
                .assertNext(found -> assertThat(found.state()).isEqualTo(KeyLookup.State.NONE)).verifyComplete();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionMeansTheCreateNeverReachedTheProvider() throws IOException {
        StepVerifier.create(client("http://127.0.0.1:" + closedPort()).create(BODY, "p-1"))
                .expectErrorSatisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_SENT))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void a4xxIsARefusalAndIsNotRetried() {
        provider.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(422).withBody("{\"error\": \"invalid_request\"}")));

        StepVerifier.create(client(provider.baseUrl()).create(BODY, "p-1"))
                .expectErrorSatisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.REJECTED))
                .verify(Duration.ofSeconds(10));
        provider.verify(1, postRequestedFor(urlEqualTo("/v1/payments")));
    }

    @Test
    void a5xxIsRetriedUnderTheSameKeyAndThenItsOutcomeIsUnknown() {
        provider.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(502)));

        StepVerifier.create(client(provider.baseUrl()).create(BODY, "p-1"))
                .expectErrorSatisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.OUTCOME_UNKNOWN))
                .verify(Duration.ofSeconds(10));
        assertThat(provider.findAll(postRequestedFor(urlEqualTo("/v1/payments"))))
                .hasSize(3).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo("p-1"));
    }

    @Test
    void aRetryThatSucceedsAfterA5xxAnswersThePayment() {
        provider.stubFor(post(urlEqualTo("/v1/payments")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        provider.stubFor(post(urlEqualTo("/v1/payments")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(CREATED)));

        StepVerifier.create(client(provider.baseUrl()).create(BODY, "p-1"))
                .assertNext(payment -> {
                    assertThat(payment.id()).isEqualTo("pay_1");
                    assertThat(payment.amountMinor()).isEqualTo(900);
                })
                .verifyComplete();
    }

    @Test
    void aTimeoutFollowedByARefusedConnectionIsStillAnUnknownOutcome() {
        // the first attempt may have created the payment before the provider went away
        provider.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(201).withFixedDelay(1_500)));
        ProviderClient client = client(provider.baseUrl(), Duration.ofMillis(500));

        StepVerifier.create(client.create(BODY, "p-1").doOnSubscribe(s -> new Thread(() -> {
                    sleep(700);
                    provider.stop();
                }).start()))
                .expectErrorSatisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.OUTCOME_UNKNOWN))
                .verify(Duration.ofSeconds(15));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
