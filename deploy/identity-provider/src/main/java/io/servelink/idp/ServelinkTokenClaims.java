package io.servelink.idp;

import io.servelink.contracts.security.ServelinkClaims;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Puts shared-contracts' claim model into every access and ID token: {@code sub}, {@code email}, {@code teams},
 * {@code roles} and {@code auth_time}, exactly as {@link ServelinkClaims#toClaims()} writes them and
 * {@link ServelinkClaims#fromClaims} reads them in the services.
 *
 * <p>A user's token carries the user's configured teams and roles, and the time the user signed in (the latest
 * authentication factor). The operator client's token (client credentials) carries the client id as {@code sub}, its
 * platform roles, no team, and the time the client authenticated; a service client's (resources-service) carries
 * {@code service:<client id>} as {@code sub}, no team, no role, and its granted {@code scope}.
 */
final class ServelinkTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final IdentityProviderSettings settings;
    private final Clock clock;

    ServelinkTokenClaims(IdentityProviderSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        boolean accessToken = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
        boolean idToken = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        if (!accessToken && !idToken) {
            return;
        }
        ServelinkClaims claims = claimsOf(context);
        Map<String, Object> values = claims.toClaims();
        context.getClaims().claims(existing -> existing.putAll(values));
    }

    private ServelinkClaims claimsOf(JwtEncodingContext context) {
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            String clientId = context.getRegisteredClient().getClientId();
            IdentityProviderSettings.Operator operator = settings.clients().operator();
            if (operator.clientId().equals(clientId)) {
                return new ServelinkClaims(operator.clientId(), null, Map.of(), operator.platformRoles(), now());
            }
            return settings.clients().service(clientId)
                    .map(service -> new ServelinkClaims(service.subject(), null, Map.of(), java.util.Set.of(), now()))
                    .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT));
        }
        Authentication principal = context.getPrincipal();
        IdentityProviderSettings.User user = settings.user(principal.getName())
                .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.ACCESS_DENIED));
        return user.claims(authenticatedAt(principal).orElseGet(this::now));
    }

    /** When the user last proved who they are: Spring Security records each factor's time on its authority. */
    static Optional<Instant> authenticatedAt(Authentication principal) {
        return principal.getAuthorities().stream()
                .filter(FactorGrantedAuthority.class::isInstance)
                .map(authority -> ((FactorGrantedAuthority) authority).getIssuedAt())
                .max(Comparator.naturalOrder())
                .map(instant -> instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
