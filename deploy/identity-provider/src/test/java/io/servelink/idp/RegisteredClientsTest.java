package io.servelink.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/** How the configured clients are registered: the dashboard public or confidential, secrets encoded. */
class RegisteredClientsTest {

    @Test
    void registersThePublicDashboardWithPkceAndNoSecret() {
        RegisteredClient dashboard = RegisteredClients.of(settings(null), secret -> "{enc}" + secret).getFirst();

        assertThat(dashboard.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.NONE);
        assertThat(dashboard.getClientSecret()).isNull();
        assertThat(dashboard.getClientSettings().isRequireProofKey()).isTrue();
        assertThat(dashboard.getAuthorizationGrantTypes())
                .containsExactlyInAnyOrder(AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.REFRESH_TOKEN);
        assertThat(dashboard.getScopes()).containsExactlyInAnyOrder("openid", "profile", "email");
    }

    @Test
    void registersTheDashboardAsAConfidentialClientWhenItHasASecret() {
        RegisteredClient dashboard = RegisteredClients.of(settings("bff-secret"), secret -> "{enc}" + secret).getFirst();

        assertThat(dashboard.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        assertThat(dashboard.getClientSecret()).isEqualTo("{enc}bff-secret");
        assertThat(dashboard.getClientSettings().isRequireProofKey()).isTrue();
    }

    @Test
    void storesOnlyEncodedSecretsAndGivesEveryClientTheConfiguredLifetime() {
        List<RegisteredClient> clients = RegisteredClients.of(settings(null), secret -> "{enc}" + secret);

        assertThat(clients).extracting(RegisteredClient::getClientId)
                .containsExactly("servelink-dashboard", "servelink-cli", "servelink-operator", "resources-service");
        assertThat(clients).filteredOn(client -> client.getClientSecret() != null)
                .allSatisfy(client -> assertThat(client.getClientSecret()).startsWith("{enc}"));
        assertThat(clients).allSatisfy(client ->
                assertThat(client.getTokenSettings().getAccessTokenTimeToLive()).isEqualTo(Duration.ofMinutes(5)));
    }

    private static IdentityProviderSettings settings(String dashboardSecret) {
        return new IdentityProviderSettings(URI.create("http://localhost:9000"), Duration.ofMinutes(5), null,
                new IdentityProviderSettings.Clients(
                        new IdentityProviderSettings.Dashboard("servelink-dashboard", dashboardSecret,
                                List.of(URI.create("http://localhost:8080/login/oauth2/code/servelink")), List.of()),
                        new IdentityProviderSettings.Cli("servelink-cli"),
                        new IdentityProviderSettings.Operator("servelink-operator", "operator-secret", List.of("operator")),
                        List.of(new IdentityProviderSettings.Service("resources-service", "service-secret",
                                List.of("payments:renew", "resources:quote")))),
                List.of());
    }
}
