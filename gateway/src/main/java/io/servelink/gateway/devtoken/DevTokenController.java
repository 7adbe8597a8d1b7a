package io.servelink.gateway.devtoken;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.LocalTokens;
import io.servelink.starter.SecuritySettings;
import io.servelink.contracts.validation.Slug;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code test-tokens} profile only: mints HS256 user tokens for any team and role with the test secret
 * ({@code servelink.security.hmac-secret}), for the browser end-to-end tests, which need tokens for teams they create.
 * The local stack runs without it (its tokens come from the identity provider, deploy/identity-provider) unless
 * started with {@code --test-tokens}. In every other profile this bean does not exist and the path is a 404.
 */
@RestController
@Profile(DevTokenController.PROFILE)
class DevTokenController {

    static final String PROFILE = "test-tokens";

    private static final Duration VALIDITY = Duration.ofHours(1);
    private static final Pattern SLUG = Pattern.compile(Slug.PATTERN);
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private final LocalTokens tokens;
    private final Clock clock;

    DevTokenController(SecuritySettings settings, Clock clock) {
        if (settings.hmacSecret() == null) {
            throw new IllegalStateException("The test-tokens profile's /dev/token needs servelink.security.hmac-secret");
        }
        this.tokens = new LocalTokens(settings.hmacSecret(), settings.issuer() == null ? "servelink-local" : settings.issuer(), clock);
        this.clock = clock;
    }

    @GetMapping("/dev/token")
    DevToken token(@RequestParam(name = "team", required = false) String team,
                   @RequestParam(name = "role", defaultValue = "owner") String role,
                   @RequestParam(name = "roles", required = false) String roles,
                   @RequestParam(name = "sub", required = false) String subject,
                   @RequestParam(name = "email", required = false) String email) {
        Map<String, TeamRole> teams = team == null || team.isBlank() ? Map.of() : Map.of(validTeam(team), teamRole(role));
        String sub = subject == null || subject.isBlank() ? "dev-" + (team == null || team.isBlank() ? "staff" : team) + "-" + role : subject;
        if (!SUBJECT.matcher(sub).matches()) {
            throw ApiProblem.invalid("sub", "must be 1-128 letters, digits or . _ @ -");
        }
        ServelinkClaims claims = new ServelinkClaims(sub, email == null || email.isBlank() ? sub + "@servelink.local" : email,
                teams, platformRoles(roles), clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return new DevToken(tokens.mint(claims, VALIDITY), "Bearer", VALIDITY.toSeconds(), claims.toClaims());
    }

    private static String validTeam(String team) {
        if (!SLUG.matcher(team).matches()) {
            throw ApiProblem.invalid("team", "must be a team slug: 1-63 lower-case letters, digits or inner hyphens");
        }
        return team;
    }

    private static TeamRole teamRole(String role) {
        return TeamRole.fromWire(role)
                .orElseThrow(() -> ApiProblem.invalid("role", "must be one of owner, admin, member"));
    }

    private static Set<PlatformRole> platformRoles(String roles) {
        Set<PlatformRole> parsed = EnumSet.noneOf(PlatformRole.class);
        if (roles == null || roles.isBlank()) {
            return parsed;
        }
        Arrays.stream(roles.split(",")).map(String::strip).filter(value -> !value.isEmpty()).forEach(value ->
                parsed.add(PlatformRole.fromWire(value)
                        .orElseThrow(() -> ApiProblem.invalid("roles", "must list support_agent and/or operator"))));
        return parsed;
    }

    /** The token and, for convenience, the claims it carries. */
    record DevToken(String token, String tokenType, long expiresIn, Map<String, Object> claims) {
    }
}
