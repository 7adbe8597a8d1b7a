package io.servelink.starter;

import io.servelink.infra.test.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

class VerifiedTokenCacheTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final AtomicInteger verifications = new AtomicInteger();
    private Instant expiry = NOW.plusSeconds(600);
    private Instant notBefore = null;

    /** Accepts tokens starting with "good", with the expiry and not-before set by the test; rejects the rest. */
    private final ReactiveJwtDecoder verifier = token -> {
        verifications.incrementAndGet();
        if (!token.startsWith("good")) {
            return Mono.error(new BadJwtException("bad signature"));
        }
        Jwt.Builder jwt = Jwt.withTokenValue(token).header("alg", "HS256").subject("u").issuedAt(NOW.minusSeconds(1));
        if (expiry != null) {
            jwt.expiresAt(expiry);
        }
        if (notBefore != null) {
            jwt.notBefore(notBefore);
        }
        return Mono.just(jwt.build());
    };

    @Test
    void aVerifiedTokenIsVerifiedOnceUntilItExpires() {
        VerifiedTokenCache cache = cache(NOW, 10);

        Jwt first = cache.decode("good-1").block();
        Jwt second = cache.decode("good-1").block();

        assertThat(second).isSameAs(first);
        assertThat(verifications).hasValue(1);
    }

    @Test
    void anExpiredTokenIsVerifiedAgainAndItsRejectionPassesThrough() {
        TestClock clock = new TestClock(NOW);
        AtomicInteger calls = new AtomicInteger();
        VerifiedTokenCache cache = new VerifiedTokenCache(token -> calls.incrementAndGet() == 1
                ? verifier.decode(token) : Mono.error(new BadJwtException("expired")), clock, 10);
        cache.decode("good-1").block();

        clock.set(expiry);

        assertThatThrownBy(() -> cache.decode("good-1").block()).isInstanceOf(BadJwtException.class);
        assertThat(calls).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aRejectedTokenIsNeverRememberedSoEachAttemptIsVerified() {
        VerifiedTokenCache cache = cache(NOW, 10);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cache.decode("forged").block()).isInstanceOf(BadJwtException.class);
        }

        assertThat(verifications).hasValue(3);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenDifferingByOneCharacterIsVerifiedOnItsOwn() {
        VerifiedTokenCache cache = cache(NOW, 10);
        cache.decode("good-1").block();

        assertThatThrownBy(() -> cache.decode("good-1x".replace("good", "bad!")).block()).isInstanceOf(BadJwtException.class);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void tokensWithoutExpiryOrNotYetValidAreNotRemembered() {
        VerifiedTokenCache cache = cache(NOW, 10);
        expiry = null;
        cache.decode("good-no-exp").block();
        expiry = NOW.plusSeconds(600);
        notBefore = NOW.plusSeconds(60);
        cache.decode("good-later").block();

        assertThat(cache.size()).isZero();
    }

    @Test
    void staysWithinItsCapacityDroppingExpiredTokensFirst() {
        TestClock clock = new TestClock(NOW);
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, clock, 3);
        expiry = NOW.plusSeconds(10);
        cache.decode("good-short").block();
        expiry = NOW.plusSeconds(600);
        cache.decode("good-a").block();
        cache.decode("good-b").block();
        clock.set(NOW.plusSeconds(20));

        cache.decode("good-c").block();

        assertThat(cache.size()).isEqualTo(3);
        verifications.set(0);
        cache.decode("good-a").block();
        assertThat(verifications).hasValue(0);

        cache.decode("good-d").block();
        assertThat(cache.size()).isLessThanOrEqualTo(3);
    }

    private VerifiedTokenCache cache(Instant now, int capacity) {
        return new VerifiedTokenCache(verifier, Clock.fixed(now, ZoneOffset.UTC), capacity);
    }
}
