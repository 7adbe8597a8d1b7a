package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.servelink.infra.test.OpenApiLint;
import io.servelink.infra.test.ReadOnlyServiceIT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** The served OpenAPI document passes the OWASP API Security ruleset (deploy/openapi/.spectral.yaml) without error. */
@ReadOnlyServiceIT
// the notification relay off as in SecurityIT: equal configuration, so the two share one running service
@TestPropertySource(properties = "servelink.support.notifications.relay-enabled=false")
class OpenApiDocumentIT {

    @LocalServerPort
    int port;

    @Test
    void servesAnOpenApiDocumentWithoutOwaspErrors() {
        OpenApiLint lint = OpenApiLint.forRepository();
        assumeTrue(lint.available(), lint.unavailableReason());
        OpenApiLint.Result result = lint.lintServedDocument("support-service", port);

        assertThat(result.errors()).as(result.listing()).isZero();
    }
}
