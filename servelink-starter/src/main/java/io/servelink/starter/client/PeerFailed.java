package io.servelink.starter.client;

import org.springframework.http.HttpStatusCode;

/**
 * A peer answered 5xx (or an answer it owes, such as a body, was missing): the peer failed. It counts against the
 * circuit breaker; 500, 502, 503 and 504 are retried where the call may be repeated.
 */
public class PeerFailed extends RuntimeException {

    private final HttpStatusCode status;

    public PeerFailed(String peer, HttpStatusCode status) {
        super(peer + " answered " + status.value());
        this.status = status;
    }

    public PeerFailed(String peer, String what) {
        super(peer + " " + what);
        this.status = null;
    }

    /** The status the peer answered, or null when the failure was not a status. */
    public HttpStatusCode status() {
        return status;
    }
}
