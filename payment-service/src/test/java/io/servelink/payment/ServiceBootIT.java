package io.servelink.payment;

import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

@ServiceIT
class ServiceBootIT {

    @LocalServerPort
    int port;

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    @Test
    void answersHealthWithoutToken() {
        client().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }

    @Test
    void refusesApiCallWithoutTokenAsProblem() {
        client().get().uri("/api/payments/demo/history").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unauthenticated");
    }

    @Test
    void refusesForgedToken() {
        client().get().uri("/api/payments/demo/history").header("Authorization", "Bearer " + TestTokens.forged("demo"))
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void hasNoSimulatedProviderOutsideTheLocalProfile() {
        client().post().uri("/simulator/provider/v1/payments").exchange().expectStatus().isUnauthorized();
        client().get().uri("/simulator/provider/checkout/x").header("Authorization", "Bearer " + TestTokens.owner("demo"))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void acceptsWebhookDeliveriesWithoutTokenButNotWithoutSignature() {
        client().post().uri("/api/payments/callback").bodyValue("{}").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/invalid-signature");
    }
}
