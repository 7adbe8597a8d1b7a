package io.servelink.contracts.spring;

import io.servelink.contracts.security.ServelinkClaims;
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

    public LocalTokens(String secret, String issuer) {
        this.encoder = NimbusJwtEncoder.withSecretKey(ServelinkAutoConfiguration.hmacKey(secret)).build();
        this.issuer = issuer;
    }

    public String mint(ServelinkClaims claims, Duration validity) {
        Instant now = Instant.now();
        JwtClaimsSet.Builder set = JwtClaimsSet.builder()
                .issuer(issuer)
                .issuedAt(now.plus(validity).isBefore(now) ? now.plus(validity).minusSeconds(60) : now)
                .expiresAt(now.plus(validity));
        claims.toClaims().forEach(set::claim);
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
        return encoder.encode(JwtEncoderParameters.from(header, set.build())).getTokenValue();
    }
}
