package io.servelink.starter.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.servelink.starter.ApiProblem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The rules every peer client follows: what is retried, what the breaker counts, how a refusal is relayed. */
class PeerClientTest {

    private static final String PROBLEM = """
            {"type": "https://problems.servelink.io/validation", "title": "Invalid request", "status": 400,
             "detail": "phone: is invalid", "errors": [{"field": "phone", "message": "is invalid"}]}""";

    private final WireMockServer peer = new WireMockServer(options().dynamicPort());
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(42)).build());
    // what application.yml may say; the retried exceptions listed here are overruled by the client's rule
    private final RetryRegistry retries = RetryRegistry.of(RetryConfig.custom().maxAttempts(3)
            .waitDuration(Duration.ofMillis(10)).retryExceptions(RuntimeException.class).build());

    @BeforeEach
    void start() {
        peer.start();
    }

    @AfterEach
    void stop() {
        peer.stop();
    }

    private PeerClient client(Duration timeLimit, Duration responseTimeout) {
        JsonMapper json = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        PeerClients peers = new PeerClients(WebClient::builder, json, breakers,
                TimeLimiterRegistry.of(TimeLimiterConfig.custom().timeoutDuration(timeLimit).build()), retries);
        return peers.peer("catalog", peer.baseUrl()).timeouts(Duration.ofSeconds(1), responseTimeout).build();
    }

    private PeerClient client() {
        return client(Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    record Price(long amountMinor) {
    }

    private static Mono<Price> read(PeerClient client) {
        return client.web().get().uri("/price").retrieve().onStatus(HttpStatusCode::isError, client::problem)
                .bodyToMono(Price.class);
    }

    private static Mono<Price> create(PeerClient client) {
        return client.web().post().uri("/price").retrieve().onStatus(HttpStatusCode::isError, client::problem)
                .bodyToMono(Price.class);
    }

    @Test
    void anIdempotentCallIsRetriedAfterA503AndAnswersTheThirdAttempt() {
        peer.stubFor(get("/price").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("again"));
        peer.stubFor(get("/price").inScenario("flaky").whenScenarioStateIs("again")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("ok"));
        peer.stubFor(get("/price").inScenario("flaky").whenScenarioStateIs("ok").willReturn(okJson("{\"amount_minor\": 900}")));

        Price price = client().idempotent(read(client())).block(Duration.ofSeconds(10));

        assertThat(price).isEqualTo(new Price(900));
        peer.verify(3, getRequestedFor(urlEqualTo("/price")));
    }

    @Test
    void aRefusalIsNeverRetriedNorCountedAndCarriesThePeersProblemWithItsMembers() {
        peer.stubFor(get("/price").willReturn(aResponse().withStatus(400)
                .withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").withBody(PROBLEM)));
        PeerClient client = client();

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> client.idempotent(read(client)).block(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(PeerRejected.class, rejected -> {
                        assertThat(rejected.getStatusCode().value()).isEqualTo(400);
                        assertThat(rejected.getBody().getType().toString()).isEqualTo("https://problems.servelink.io/validation");
                        assertThat(rejected.getBody().getDetail()).isEqualTo("phone: is invalid");
                        assertThat(rejected.getBody().getProperties()).containsEntry("errors",
                                List.of(Map.of("field", "phone", "message", "is invalid")));
                    });
        }

        peer.verify(4, getRequestedFor(urlEqualTo("/price")));
        assertThat(client.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero();
        assertThat(breakers.circuitBreaker("catalog")).isSameAs(client.circuitBreaker());
    }

    @Test
    void aRefusalWithoutAProblemBodyIsAProblemOfItsStatus() {
        peer.stubFor(get("/price").willReturn(aResponse().withStatus(404).withHeader(HttpHeaders.CONTENT_TYPE, "text/html")
                .withBody("<h1>Not here</h1>")));

        assertThatThrownBy(() -> client().idempotent(read(client())).block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(PeerRejected.class, rejected -> {
                    assertThat(rejected.getStatusCode().value()).isEqualTo(404);
                    assertThat(rejected.getBody().getStatus()).isEqualTo(404);
                    assertThat(rejected.detailOr("unknown")).isEqualTo("unknown");
                });
    }

    @Test
    void a501IsAFailureCountedByTheBreakerButNotRetried() {
        peer.stubFor(get("/price").willReturn(aResponse().withStatus(501)));
        PeerClient client = client();

        assertThatThrownBy(() -> client.idempotent(read(client)).block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(PeerFailed.class, failed -> assertThat(failed.status().value()).isEqualTo(501));

        peer.verify(1, getRequestedFor(urlEqualTo("/price")));
        assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void a500IsRetriedAndEachAttemptCountsAgainstTheBreaker() {
        peer.stubFor(get("/price").willReturn(aResponse().withStatus(500)));
        PeerClient client = client();

        assertThatThrownBy(() -> client.idempotent(read(client)).block(Duration.ofSeconds(10))).isInstanceOf(PeerFailed.class);

        peer.verify(3, getRequestedFor(urlEqualTo("/price")));
        assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
    }

    @Test
    void aCallSentOnceIsNotRetriedEvenAfterA503() {
        peer.stubFor(post("/price").willReturn(aResponse().withStatus(503)));
        PeerClient client = client();

        assertThatThrownBy(() -> client.once(create(client)).block(Duration.ofSeconds(10))).isInstanceOf(PeerFailed.class);

        peer.verify(1, postRequestedFor(urlEqualTo("/price")));
    }

    @Test
    void aSilentPeerTimesOutOnTheResponseTimeoutAndIsRetried() {
        peer.stubFor(get("/price").willReturn(okJson("{\"amount_minor\": 900}").withFixedDelay(2_000)));
        PeerClient client = client(Duration.ofSeconds(5), Duration.ofMillis(200));

        long started = System.nanoTime();
        assertThatThrownBy(() -> client.idempotent(read(client)).block(Duration.ofSeconds(10)))
                .isInstanceOf(WebClientRequestException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_900));
        peer.verify(3, getRequestedFor(urlEqualTo("/price")));
    }

    @Test
    void theTimeLimiterBoundsEachAttemptInsideTheBreaker() {
        peer.stubFor(get("/price").willReturn(okJson("{\"amount_minor\": 900}").withFixedDelay(1_000)));
        PeerClient client = client(Duration.ofMillis(150), Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.idempotent(read(client)).block(Duration.ofSeconds(10)))
                .hasCauseInstanceOf(TimeoutException.class);

        assertThat(client.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
    }

    @Test
    void anOpenBreakerAnswersUnavailableWithItsWaitAsRetryAfter() {
        PeerClient client = client();
        client.circuitBreaker().transitionToOpenState();

        Throwable failure = client.idempotent(read(client)).<Throwable>map(price -> null).onErrorResume(Mono::just)
                .block(Duration.ofSeconds(10));
        ApiProblem unavailable = client.unavailable("The catalog is unavailable", failure, Duration.ofSeconds(10));

        assertThat(unavailable.getStatusCode().value()).isEqualTo(503);
        assertThat(unavailable.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("42");
        peer.verify(0, getRequestedFor(urlEqualTo("/price")));
    }
}
