package io.servelink.infra.test;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.starter.LocalTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Signed user tokens for tests, with the HS256 secret the harness gives every service under test. */
public final class TestTokens {

    public static final String SECRET = "integration-tests-hs256-secret-0123456789abcdef";
    private static final LocalTokens TOKENS = new LocalTokens(SECRET, "servelink-tests");

    private TestTokens() {
    }

    public static String member(String team) {
        return forTeam(team, TeamRole.MEMBER);
    }

    public static String owner(String team) {
        return forTeam(team, TeamRole.OWNER);
    }

    public static String forTeam(String team, TeamRole role) {
        return TOKENS.mint(ServelinkClaims.of("user-" + role.wire() + "-" + team, Map.of(team, role), Instant.now()), Duration.ofMinutes(30));
    }

    public static String platform(PlatformRole role) {
        return TOKENS.mint(ServelinkClaims.of("staff-" + role.wire(), Map.of(), Instant.now(), role), Duration.ofMinutes(30));
    }

    public static String expired(String team) {
        return TOKENS.mint(ServelinkClaims.of("user-" + team, Map.of(team, TeamRole.OWNER), Instant.now()), Duration.ofSeconds(-120));
    }

    /** A token signed with another secret: what a forger could make. */
    public static String forged(String team) {
        return new LocalTokens("another-secret-that-nobody-shares-0123456789", "servelink-tests")
                .mint(ServelinkClaims.of("forger", Map.of(team, TeamRole.OWNER), Instant.now()), Duration.ofMinutes(5));
    }
}
