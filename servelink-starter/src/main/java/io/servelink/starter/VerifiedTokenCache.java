package io.servelink.starter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * not before its {@code nbf}; a token without {@code exp} is never kept. A Caffeine cache holds at most
 * {@code capacity} tokens, each until its {@code exp} on {@code clock}; when full, expired tokens go first, then the
 * least likely to be used again.
 */
public final class VerifiedTokenCache implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder decoder;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    public VerifiedTokenCache(ReactiveJwtDecoder decoder, Clock clock, int capacity) {
        this.decoder = decoder;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> Duration.between(clock.instant(), jwt.getExpiresAt())))
                .ticker(() -> nanos(clock.instant()))
                // upkeep (expiry, eviction) on the calling thread: a few map operations, no hand-off to the common pool
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known = verified.getIfPresent(token);
        if (known != null) {
            if (usable(known, clock.instant())) {
                return Mono.just(known);
            }
            verified.invalidate(token);
        }
        return decoder.decode(token).doOnNext(jwt -> remember(token, jwt));
    }

    int size() {
        verified.cleanUp();
        return (int) verified.estimatedSize();
    }

    private void remember(String token, Jwt jwt) {
        if (usable(jwt, clock.instant())) {
            verified.put(token, jwt);
        }
    }

    private static boolean usable(Jwt jwt, Instant now) {
        return jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt())
                && (jwt.getNotBefore() == null || !now.isBefore(jwt.getNotBefore()));
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
