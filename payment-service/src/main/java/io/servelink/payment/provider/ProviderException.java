package io.servelink.payment.provider;

import java.time.Duration;

/**
 * A provider call that did not give an answer to use. {@link Kind} tells what we know about the payment at
 * the provider, which decides what the caller may conclude.
 */
public class ProviderException extends RuntimeException {

    public enum Kind {
        /** The provider answered 4xx: it refused the request; nothing was created or changed there. */
        REJECTED,
        /** The request never reached the provider (circuit open, connection refused): nothing happened there. */
        NOT_SENT,
        /** Timeout or 5xx after the retries: the provider may or may not have acted. */
        OUTCOME_UNKNOWN
    }

    private final Kind kind;
    private final Duration retryAfter;
    private final boolean keySeen;

    ProviderException(Kind kind, String message, Duration retryAfter, boolean keySeen, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.keySeen = keySeen;
    }

    /**
     * Whether the provider said it holds the idempotency key (a 409 "key in flight"): the request reached it, so the
     * payment may exist there even when a later lookup does not find it yet.
     */
    public boolean keySeen() {
        return keySeen;
    }

    public Kind kind() {
        return kind;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
