package io.servelink.idp;

import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The three clients of {@link IdentityProviderSettings.Clients} as Spring Authorization Server registers them. The
 * Keycloak realm in deploy/keycloak declares the same clients (KeycloakRealmTest compares them).
 */
final class RegisteredClients {

    /** The scopes the dashboard may ask (OpenID Connect). */
    static final List<String> DASHBOARD_SCOPES = List.of(OidcScopes.OPENID, OidcScopes.PROFILE, OidcScopes.EMAIL);
    /** The command line's: Spring Authorization Server's device grant issues no ID token, so no {@code openid}. */
    static final List<String> CLI_SCOPES = List.of(OidcScopes.PROFILE, OidcScopes.EMAIL);

    private RegisteredClients() {
    }

    /**
     * @param encodeSecret how a client secret is stored (encoded with its {@code {id}} prefix)
     */
    static List<RegisteredClient> of(IdentityProviderSettings settings, UnaryOperator<String> encodeSecret) {
        TokenSettings tokens = TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenLifetime()).build();
        List<RegisteredClient> clients = new java.util.ArrayList<>(List.of(dashboard(settings.clients().dashboard(), tokens, encodeSecret),
                cli(settings.clients().cli(), tokens),
                operator(settings.clients().operator(), tokens, encodeSecret)));
        settings.clients().services().forEach(service -> clients.add(service(service, tokens, encodeSecret)));
        return List.copyOf(clients);
    }

    private static RegisteredClient dashboard(IdentityProviderSettings.Dashboard dashboard, TokenSettings tokens,
                                              UnaryOperator<String> encodeSecret) {
        RegisteredClient.Builder client = RegisteredClient.withId(stableId(dashboard.clientId()))
                .clientId(dashboard.clientId())
                .clientName("Servelink dashboard")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .scopes(scopes -> scopes.addAll(DASHBOARD_SCOPES))
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .tokenSettings(tokens);
        dashboard.redirectUris().forEach(uri -> client.redirectUri(uri.toString()));
        dashboard.postLogoutRedirectUris().forEach(uri -> client.postLogoutRedirectUri(uri.toString()));
        if (dashboard.isPublic()) {
            client.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            client.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientSecret(encodeSecret.apply(dashboard.clientSecret()));
        }
        return client.build();
    }

    private static RegisteredClient cli(IdentityProviderSettings.Cli cli, TokenSettings tokens) {
        return RegisteredClient.withId(stableId(cli.clientId()))
                .clientId(cli.clientId())
                .clientName("Servelink command line")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .scopes(scopes -> scopes.addAll(CLI_SCOPES))
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                .tokenSettings(tokens)
                .build();
    }

    private static RegisteredClient operator(IdentityProviderSettings.Operator operator, TokenSettings tokens,
                                             UnaryOperator<String> encodeSecret) {
        return RegisteredClient.withId(stableId(operator.clientId()))
                .clientId(operator.clientId())
                .clientName("Servelink operator (machine)")
                .clientSecret(encodeSecret.apply(operator.clientSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenSettings(tokens)
                .build();
    }

    private static RegisteredClient service(IdentityProviderSettings.Service service, TokenSettings tokens,
                                            UnaryOperator<String> encodeSecret) {
        return RegisteredClient.withId(stableId(service.clientId()))
                .clientId(service.clientId())
                .clientName("Servelink service " + service.clientId())
                .clientSecret(encodeSecret.apply(service.clientSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(scopes -> scopes.addAll(service.scopes()))
                .tokenSettings(tokens)
                .build();
    }

    private static String stableId(String clientId) {
        return UUID.nameUUIDFromBytes(clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }
}
