package io.servelink.contracts.security;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a Servelink user token: {@code sub}, {@code email}, {@code teams} (team slug → role),
 * {@code roles} (platform roles) and {@code auth_time}. Unknown roles in a token are ignored, never guessed.
 */
public record ServelinkClaims(String subject, String email, Map<String, TeamRole> teams, Set<PlatformRole> roles,
                              Instant authTime) {

    public static final String SUBJECT = "sub";
    public static final String EMAIL = "email";
    public static final String TEAMS = "teams";
    public static final String ROLES = "roles";
    public static final String AUTH_TIME = "auth_time";

    public ServelinkClaims {
        teams = teams == null ? Map.of() : Map.copyOf(teams);
        roles = roles == null || roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public Optional<TeamRole> roleIn(String teamSlug) {
        return Optional.ofNullable(teams.get(teamSlug));
    }

    public boolean isMemberOf(String teamSlug) {
        return teams.containsKey(teamSlug);
    }

    public boolean canManageBillingOf(String teamSlug) {
        return roleIn(teamSlug).map(TeamRole::canManageBilling).orElse(false);
    }

    public boolean has(PlatformRole role) {
        return roles.contains(role);
    }

    /** Reads the claims of a verified token. */
    public static ServelinkClaims fromClaims(Map<String, Object> claims) {
        Map<String, TeamRole> teams = new LinkedHashMap<>();
        if (claims.get(TEAMS) instanceof Map<?, ?> raw) {
            raw.forEach((team, role) -> TeamRole.fromWire(stringOrNull(role)).ifPresent(r -> teams.put(team.toString(), r)));
        }
        Set<PlatformRole> roles = EnumSet.noneOf(PlatformRole.class);
        if (claims.get(ROLES) instanceof Collection<?> raw) {
            raw.forEach(role -> PlatformRole.fromWire(stringOrNull(role)).ifPresent(roles::add));
        }
        return new ServelinkClaims(stringOrNull(claims.get(SUBJECT)), stringOrNull(claims.get(EMAIL)), teams, roles,
                instantOrNull(claims.get(AUTH_TIME)));
    }

    /** The claims as a token carries them (for token issuers: the local token endpoint, tests). */
    public Map<String, Object> toClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put(SUBJECT, subject);
        if (email != null) {
            claims.put(EMAIL, email);
        }
        Map<String, String> teamClaim = new LinkedHashMap<>();
        teams.forEach((team, role) -> teamClaim.put(team, role.wire()));
        claims.put(TEAMS, teamClaim);
        claims.put(ROLES, roles.stream().map(PlatformRole::wire).sorted().toList());
        if (authTime != null) {
            claims.put(AUTH_TIME, authTime.getEpochSecond());
        }
        return claims;
    }

    private static String stringOrNull(Object value) {
        return value == null ? null : value.toString();
    }

    private static Instant instantOrNull(Object value) {
        return switch (value) {
            case Instant instant -> instant;
            case Number seconds -> Instant.ofEpochSecond(seconds.longValue());
            case null, default -> null;
        };
    }

    public static ServelinkClaims of(String subject, Map<String, TeamRole> teams, Instant authTime, PlatformRole... roles) {
        return new ServelinkClaims(subject, subject + "@example.test", teams, Set.copyOf(List.of(roles)), authTime);
    }
}
