package io.servelink.idp;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.validation.annotation.Validated;

/**
 * The identity provider's configuration ({@code servelink.idp.*}): its issuer, its signing key, its three clients and
 * its users. Users' team and platform roles are read with shared-contracts' claim model at start, so a role the
 * services would not understand stops the provider instead of being issued.
 *
 * @param issuer               the {@code iss} of every token and the base of the discovery document
 * @param accessTokenLifetime  how long access tokens are valid (short: the services remember verified tokens until
 *                             their {@code exp})
 * @param signingKey           the RS256 key; absent, a key is generated at start (the local stack)
 * @param clients              the registered clients
 * @param users                who can sign in
 */
@Validated
@ConfigurationProperties("servelink.idp")
public record IdentityProviderSettings(@NotNull URI issuer,
                                       @DefaultValue("30m") Duration accessTokenLifetime,
                                       @Valid SigningKey signingKey,
                                       @NotNull @Valid Clients clients,
                                       @DefaultValue({}) List<@Valid User> users) {

    /**
     * An RSA key pair from PEM files: a PKCS#8 private key and its X.509 public key (SubjectPublicKeyInfo).
     *
     * @param keyId published as the JWK's {@code kid}
     */
    public record SigningKey(@NotNull Resource privateKey, @NotNull Resource publicKey, @NotBlank String keyId) {
    }

    public record Clients(@NotNull @Valid Dashboard dashboard, @NotNull @Valid Cli cli, @NotNull @Valid Operator operator,
                          @DefaultValue({}) List<@Valid Service> services) {

        public Optional<Service> service(String clientId) {
            return services.stream().filter(service -> service.clientId().equals(clientId)).findFirst();
        }
    }

    /**
     * The dashboard: authorization code with PKCE. Public without a secret; with one, a confidential client
     * ({@code client_secret_basic}), as the gateway's backend-for-frontend is.
     */
    public record Dashboard(@NotBlank String clientId, String clientSecret, @NotEmpty List<URI> redirectUris,
                            @DefaultValue({}) List<URI> postLogoutRedirectUris) {

        public boolean isPublic() {
            return clientSecret == null || clientSecret.isBlank();
        }
    }

    /** The command line: the device authorization grant (RFC 8628), a public client. */
    public record Cli(@NotBlank String clientId) {
    }

    /** The operator's machine client: client credentials; its tokens carry {@code roles} and no team. */
    public record Operator(@NotBlank String clientId, @NotBlank String clientSecret,
                           @DefaultValue("operator") List<String> roles) {

        public Set<PlatformRole> platformRoles() {
            return IdentityProviderSettings.platformRoles(clientId, roles);
        }
    }

    /**
     * A service calling another with no user behind the call (resources-service's renewal job): client credentials;
     * its tokens carry {@code sub = service:<client id>}, no team, no role, and the granted {@code scope}.
     */
    public record Service(@NotBlank String clientId, @NotBlank String clientSecret, @NotEmpty List<String> scopes) {

        public String subject() {
            return "service:" + clientId;
        }
    }

    /**
     * Someone who can sign in.
     *
     * @param username what the login form asks, and the token's {@code sub}
     * @param password the password in clear text (the local stack's demo users) or encoded with its
     *                 {@code {id}} prefix, as Spring Security's delegating encoder reads it
     * @param teams    team slug → {@code owner}, {@code admin} or {@code member}
     * @param roles    platform roles: {@code support_agent}, {@code operator}
     */
    public record User(@NotBlank String username, @NotBlank String password, @NotBlank String email,
                       @DefaultValue({}) Map<String, String> teams, @DefaultValue({}) List<String> roles) {

        /** The claims of this user's tokens, authenticated at the given time. */
        public ServelinkClaims claims(Instant authTime) {
            Map<String, TeamRole> teamRoles = new LinkedHashMap<>();
            teams.forEach((team, role) -> teamRoles.put(team, TeamRole.fromWire(role).orElseThrow(() ->
                    new IllegalArgumentException("User " + username + ": '" + role + "' in team " + team
                            + " is not a team role (owner, admin, member)"))));
            return new ServelinkClaims(username, email, teamRoles, platformRoles(username, roles), authTime);
        }
    }

    public Optional<User> user(String username) {
        return users.stream().filter(user -> user.username().equals(username)).findFirst();
    }

    private static Set<PlatformRole> platformRoles(String who, List<String> roles) {
        Set<PlatformRole> parsed = EnumSet.noneOf(PlatformRole.class);
        roles.forEach(role -> parsed.add(PlatformRole.fromWire(role).orElseThrow(() ->
                new IllegalArgumentException(who + ": '" + role + "' is not a platform role (support_agent, operator)"))));
        return parsed;
    }
}
