package io.servelink.payment.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.servelink.payment.PaymentItSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A flapping provider, through the whole life of the circuit breaker with its real clock: down → the circuit opens
 * and payments are refused with 503 + Retry-After without calling the provider → it half-opens by itself → a trial
 * that fails opens it again → the provider is back → the trials succeed and it closes; then the same again.
 */
class ProviderCircuitRecoveryIT extends PaymentItSupport {

    private static final Duration OPEN_STATE = Duration.ofSeconds(5);

    @DynamicPropertySource
    static void halfOpenByItselfAfterAShortWait(DynamicPropertyRegistry registry) {
        registry.add("resilience4j.circuitbreaker.instances.provider.wait-duration-in-open-state", () -> OPEN_STATE.toSeconds() + "s");
        registry.add("resilience4j.circuitbreaker.instances.provider.automatic-transition-from-open-to-half-open-enabled", () -> "true");
    }

    @Test
    void aFlappingProviderOpensTheCircuitWhichHalfOpensByItselfAndClosesOnceTheProviderAnswersAgain() {
        CircuitBreaker breaker = breakers.circuitBreaker(ProviderClient.INSTANCE);
        for (int outage = 1; outage <= 2; outage++) {
            providerDown();
            refusedForNow(initiateCard("plan:down-" + outage + "-a"));
            refusedForNow(initiateCard("plan:down-" + outage + "-b"));
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            int calls = providerCreates();
            refusedForNow(initiateCard("plan:open-" + outage)).expectBody().jsonPath("$.detail")
                    .value(detail -> assertThat((String) detail).contains("nothing was charged"));
            assertThat(providerCreates()).as("calls while the circuit is open").isEqualTo(calls);

            // still down when the circuit half-opens: the trial calls fail and it opens again
            await().atMost(OPEN_STATE.multipliedBy(3)).until(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
            refusedForNow(initiateCard("plan:trial-" + outage));
            assertThat(providerCreates()).isGreaterThan(calls);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

            providerAccepts("redirect");
            await().atMost(OPEN_STATE.multipliedBy(3)).until(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
            initiateCard("plan:back-" + outage + "-a").expectStatus().isCreated();
            initiateCard("plan:back-" + outage + "-b").expectStatus().isCreated();
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            initiateCard("plan:closed-" + outage).expectStatus().isCreated();
        }
    }

    private static WebTestClient.ResponseSpec refusedForNow(WebTestClient.ResponseSpec answer) {
        return answer.expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private static void providerDown() {
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(503)));
    }

    private static int providerCreates() {
        return wiremock.findAll(postRequestedFor(urlEqualTo("/v1/payments"))).size();
    }
}
