package io.servelink.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.servelink.contracts.problem.ProblemTypes;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ProblemDetailsAdviceTest {

    private final ProblemDetailsAdvice advice = new ProblemDetailsAdvice();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/usage/acme"));

    @Test
    void answersServiceUnavailableWhenThePostgresRestartTerminatedTheQuery() {
        var terminated = new DataAccessResourceFailureException("executeMany; SQL [SELECT secret_column FROM projects]",
                new R2dbcNonTransientResourceException("[57P01] terminating connection due to administrator command"));

        assertUnavailable(advice.unexpected(terminated, exchange));
    }

    @Test
    void answersServiceUnavailableWhenThePoolFindsItsConnectionDead() {
        var dead = new DataAccessResourceFailureException("Failed to obtain R2DBC Connection",
                new R2dbcNonTransientResourceException("Connection validation failed"));

        assertUnavailable(advice.unexpected(dead, exchange));
    }

    @Test
    void answersServiceUnavailableWhenAPeerRefusesTheConnection() {
        assertUnavailable(advice.unexpected(new IllegalStateException(new ConnectException("Connection refused")), exchange));
    }

    @Test
    void answersAnInternalErrorWithoutItsMessageForAnythingElse() {
        ResponseEntity<ProblemDetail> answer = advice.unexpected(new IllegalStateException("secret internals"), exchange);

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getType()).isEqualTo(ProblemTypes.INTERNAL);
        assertThat(answer.getBody().getDetail()).doesNotContain("secret");
    }

    private static void assertUnavailable(ResponseEntity<ProblemDetail> answer) {
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(answer.getBody().getType()).isEqualTo(ProblemTypes.UNAVAILABLE);
        assertThat(answer.getBody().getDetail()).doesNotContain("SQL", "secret", "57P01");
    }
}
