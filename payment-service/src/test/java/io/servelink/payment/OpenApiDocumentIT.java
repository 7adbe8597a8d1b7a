package io.servelink.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.servelink.infra.test.OpenApiLint;
import io.servelink.infra.test.ServiceIT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The served OpenAPI document passes the OWASP API Security ruleset (deploy/openapi/.spectral.yaml) without error. */
@ServiceIT
class OpenApiDocumentIT {

    @LocalServerPort
    int port;

    @Test
    void servesAnOpenApiDocumentWithoutOwaspErrors() {
        OpenApiLint lint = OpenApiLint.forRepository();
        assumeTrue(lint.available(), lint.unavailableReason());
        OpenApiLint.Result result = lint.lintServedDocument("payment-service", port);

        assertThat(result.errors()).as(result.listing()).isZero();
    }

    @Test
    void declaresTheConflictsAsProblemsBesideTheSuccessAnswer() {
        WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build()
                .get().uri("/v3/api-docs").accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/payments/{payment_id}/cancel'].post.responses['409'].content['application/problem+json'].schema['$ref']")
                .isEqualTo("#/components/schemas/Problem")
                .jsonPath("$.paths['/api/payments/{payment_id}/cancel'].post.responses['200']").exists()
                .jsonPath("$.paths['/api/payments/{team_slug}/initiate'].post.responses['409']").exists()
                .jsonPath("$.paths['/api/payments/{payment_id}/status'].get.responses['409']").doesNotExist();
    }
}
