package io.servelink.gateway.ratelimit;

import java.time.Duration;

/**
 * The answer of a bucket to one request.
 *
 * @param allowed    a token was taken
 * @param remaining  whole tokens left after this request
 * @param retryAfter when refused: how long until a token is back (zero when allowed)
 */
public record Decision(boolean allowed, long remaining, Duration retryAfter) {

    static Decision allow(long remaining) {
        return new Decision(true, remaining, Duration.ZERO);
    }

    static Decision refuse(Duration retryAfter) {
        return new Decision(false, 0, retryAfter);
    }

    /** Whole seconds for {@code Retry-After}: rounded up, at least 1. */
    long retryAfterSeconds() {
        long millis = retryAfter.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
