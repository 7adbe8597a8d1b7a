package io.servelink.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user's configured roles become the claim model's, or stop the provider when the services would not know them. */
class IdentityProviderSettingsTest {

    private static final Instant SIGNED_IN = Instant.parse("2026-12-03T20:00:00Z");

    @Test
    void aUsersClaimsAreTheClaimModelsWithTheSignInTime() {
        IdentityProviderSettings.User user = new IdentityProviderSettings.User("demo-admin", "pw", "demo-admin@servelink.local",
                Map.of("demo", "admin", "other", "member"), List.of("support_agent"));

        var claims = user.claims(SIGNED_IN);

        assertThat(claims.subject()).isEqualTo("demo-admin");
        assertThat(claims.email()).isEqualTo("demo-admin@servelink.local");
        assertThat(claims.teams()).isEqualTo(Map.of("demo", TeamRole.ADMIN, "other", TeamRole.MEMBER));
        assertThat(claims.roles()).containsExactly(PlatformRole.SUPPORT_AGENT);
        assertThat(claims.authTime()).isEqualTo(SIGNED_IN);
    }

    @Test
    void refusesATeamRoleTheServicesDoNotKnow() {
        IdentityProviderSettings.User user = new IdentityProviderSettings.User("x", "pw", "x@servelink.local",
                Map.of("demo", "superuser"), List.of());

        assertThatThrownBy(() -> user.claims(SIGNED_IN)).hasMessageContaining("superuser").hasMessageContaining("demo");
    }

    @Test
    void refusesAPlatformRoleTheServicesDoNotKnow() {
        IdentityProviderSettings.User user = new IdentityProviderSettings.User("x", "pw", "x@servelink.local",
                Map.of(), List.of("janitor"));

        assertThatThrownBy(() -> user.claims(SIGNED_IN)).hasMessageContaining("janitor");
    }
}
