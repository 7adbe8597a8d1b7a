package io.servelink.starter;

import io.servelink.contracts.problem.ProblemTypes;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An RFC 9457 problem a handler throws on purpose. The advice writes it as {@code application/problem+json}.
 */
public class ApiProblem extends ErrorResponseException {

    public ApiProblem(HttpStatus status, URI type, String title, String detail) {
        this(status, type, title, detail, new HttpHeaders());
    }

    private ApiProblem(HttpStatus status, URI type, String title, String detail, HttpHeaders headers) {
        super(status, problem(status, type, title, detail), null);
        getHeaders().putAll(headers);
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    /** 400 naming the field or parameter that failed. */
    public static ApiProblem invalid(String field, String message) {
        ApiProblem problem = new ApiProblem(HttpStatus.BAD_REQUEST, ProblemTypes.VALIDATION, "Invalid request",
                field + ": " + message);
        problem.getBody().setProperty("errors", List.of(Map.of("field", field, "message", message)));
        return problem;
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN, "Forbidden", detail);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Conflict", detail);
    }

    /** 503 with {@code Retry-After} in seconds. */
    public static ApiProblem unavailable(String detail, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.UNAVAILABLE, "Service unavailable", detail, headers);
    }
}
