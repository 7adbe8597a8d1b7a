package io.servelink.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TeamKeyTest {

    private static ServelinkClaims claims(Map<String, TeamRole> teams) {
        return new ServelinkClaims("user-1", null, teams, Set.of(), null);
    }

    @Test
    void countsAgainstTheTeamInThePathWhenTheTokenNamesIt() {
        ServelinkClaims twoTeams = claims(Map.of("acme", TeamRole.OWNER, "beta", TeamRole.MEMBER));
        assertThat(RateLimitFilters.PerTeam.keyOf(twoTeams, "/api/usage/beta/projects/p1")).isEqualTo("team:beta");
        assertThat(RateLimitFilters.PerTeam.keyOf(twoTeams, "/api/resources/acme/limits")).isEqualTo("team:acme");
    }

    @Test
    void countsAgainstTheOnlyTeamOrElseTheCaller() {
        assertThat(RateLimitFilters.PerTeam.keyOf(claims(Map.of("acme", TeamRole.MEMBER)), "/api/payments/pay-1/status"))
                .isEqualTo("team:acme");
        assertThat(RateLimitFilters.PerTeam.keyOf(claims(Map.of("acme", TeamRole.MEMBER, "beta", TeamRole.MEMBER)),
                "/api/payments/pay-1/status")).isEqualTo("user:user-1");
        assertThat(RateLimitFilters.PerTeam.keyOf(claims(Map.of("acme", TeamRole.MEMBER)), "/api/usage/other-team"))
                .as("a team the token does not name never gets a bucket").isEqualTo("team:acme");
    }
}
