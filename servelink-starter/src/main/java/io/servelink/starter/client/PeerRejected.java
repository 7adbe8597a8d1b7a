package io.servelink.starter.client;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A peer answered 4xx: it refused the request, and its problem (RFC 9457) is kept as it came, so a client may relay
 * it to its own caller unchanged or turn it into a problem of its own. The circuit breaker ignores it and it is never
 * retried: the peer is healthy, the request is what it refused.
 */
public class PeerRejected extends ErrorResponseException {

    public PeerRejected(HttpStatusCode status, ProblemDetail problem) {
        super(status, problem, null);
    }

    /** The peer's {@code detail}, or {@code fallback} when it sent none. */
    public String detailOr(String fallback) {
        String detail = getBody().getDetail();
        return detail == null || detail.isBlank() ? fallback : detail;
    }
}
