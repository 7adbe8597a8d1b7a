package io.servelink.contracts.spring;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens already verified until they expire, so a dashboard's token is checked once, not on each of its
 * requests: verifying (base64, JSON, HMAC, claim conversion) was 5–7 % of the CPU of an API request in the gateway
 * and again in each service (docs/benchmarks.md).
 * <p>
 * Only tokens the decoder accepted are kept, keyed by the whole token, so a forged or tampered token never matches;
 * a kept token is served only while {@code now} is before its {@code exp} (without the validator's clock skew) and
 * not before its {@code nbf}; a token without {@code exp} is never kept. At most {@code capacity} tokens: when full,
 * expired ones are dropped, and if none were, the whole cache.
 */
public final class VerifiedTokenCache implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder decoder;
    private final Clock clock;
    private final int capacity;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    public VerifiedTokenCache(ReactiveJwtDecoder decoder, Clock clock, int capacity) {
        this.decoder = decoder;
        this.clock = clock;
        this.capacity = capacity;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known = verified.get(token);
        if (known != null) {
            if (usable(known, clock.instant())) {
                return Mono.just(known);
            }
            verified.remove(token, known);
        }
        return decoder.decode(token).doOnNext(jwt -> remember(token, jwt));
    }

    int size() {
        return verified.size();
    }

    private void remember(String token, Jwt jwt) {
        Instant now = clock.instant();
        if (!usable(jwt, now)) {
            return;
        }
        if (verified.size() >= capacity) {
            verified.values().removeIf(kept -> !usable(kept, now));
            if (verified.size() >= capacity) {
                verified.clear();
            }
        }
        verified.put(token, jwt);
    }

    private static boolean usable(Jwt jwt, Instant now) {
        return jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt())
                && (jwt.getNotBefore() == null || !now.isBefore(jwt.getNotBefore()));
    }
}
