package io.servelink.starter;

import io.servelink.contracts.security.ServelinkClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Mints HS256 user tokens with a shared secret: the local profile's token endpoint and the tests. Production
 * tokens come from the identity provider (RS256), never from here.
 */
public final class LocalTokens {

    private final NimbusJwtEncoder encoder;
    private final String issuer;
    private final Clock clock;

    /** Tokens issued at the wall clock's time, as the verifiers check them (tests, benchmarks). */
    public LocalTokens(String secret, String issuer) {
        this(secret, issuer, Clock.systemUTC());
    }

    public LocalTokens(String secret, String issuer, Clock clock) {
        // The key is built here, not through ServelinkAutoConfiguration, so minting needs no web security classes.
        this.encoder = NimbusJwtEncoder.withSecretKey(new javax.crypto.spec.SecretKeySpec(
                secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256")).build();
        this.issuer = issuer;
        this.clock = clock;
    }

    public String mint(ServelinkClaims claims, Duration validity) {
        Instant now = clock.instant();
        JwtClaimsSet.Builder set = JwtClaimsSet.builder()
                .issuer(issuer)
                .issuedAt(now.plus(validity).isBefore(now) ? now.plus(validity).minusSeconds(60) : now)
                .expiresAt(now.plus(validity));
        claims.toClaims().forEach(set::claim);
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
        return encoder.encode(JwtEncoderParameters.from(header, set.build())).getTokenValue();
    }
}
