package io.servelink.infra.test;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Signed user tokens for tests, with the HS256 secret the harness gives every service under test. The harness mints
 * them itself (it does not depend on servelink-starter, whose own tests use the harness).
 */
public final class TestTokens {

    public static final String SECRET = "integration-tests-hs256-secret-0123456789abcdef";
    public static final String ISSUER = "servelink-tests";
    private static final NimbusJwtEncoder TOKENS = encoder(SECRET);

    private TestTokens() {
    }

    public static String member(String team) {
        return forTeam(team, TeamRole.MEMBER);
    }

    public static String owner(String team) {
        return forTeam(team, TeamRole.OWNER);
    }

    public static String forTeam(String team, TeamRole role) {
        return mint(TOKENS, ServelinkClaims.of("user-" + role.wire() + "-" + team, Map.of(team, role), Instant.now()), Duration.ofMinutes(30));
    }

    public static String platform(PlatformRole role) {
        return mint(TOKENS, ServelinkClaims.of("staff-" + role.wire(), Map.of(), Instant.now(), role), Duration.ofMinutes(30));
    }

    public static String expired(String team) {
        return mint(TOKENS, ServelinkClaims.of("user-" + team, Map.of(team, TeamRole.OWNER), Instant.now()), Duration.ofSeconds(-120));
    }

    /** A token signed with another secret: what a forger could make. */
    public static String forged(String team) {
        return mint(encoder("another-secret-that-nobody-shares-0123456789"),
                ServelinkClaims.of("forger", Map.of(team, TeamRole.OWNER), Instant.now()), Duration.ofMinutes(5));
    }

    /** A token with the given claims, signed with the harness's secret. */
    public static String mint(ServelinkClaims claims, Duration validity) {
        return mint(TOKENS, claims, validity);
    }

    private static NimbusJwtEncoder encoder(String secret) {
        return NimbusJwtEncoder.withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).build();
    }

    private static String mint(NimbusJwtEncoder encoder, ServelinkClaims claims, Duration validity) {
        Instant now = Instant.now();
        JwtClaimsSet.Builder set = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .issuedAt(validity.isNegative() ? now.plus(validity).minusSeconds(60) : now)
                .expiresAt(now.plus(validity));
        claims.toClaims().forEach(set::claim);
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), set.build())).getTokenValue();
    }
}
