package io.servelink.resources.paymentclient;

import io.servelink.starter.SecuritySettings;
import io.servelink.starter.ServelinkAutoConfiguration;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import io.servelink.resources.ResourcesSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;

/**
 * The bearer token resources-service shows when no user is behind a call: the renewal job starting a renewal
 * payment. It names this service ({@code sub = service:resources-service}), carries no team and no team role, and
 * only the scopes {@code payments:renew resources:quote}: payment-service accepts it for {@code purpose = renewal}
 * only, and the quote endpoint for renewal quotes only.
 * <p>
 * Production: an OAuth2 client-credentials token from the identity provider ({@code service-token.token-uri},
 * {@code client-id}, {@code client-secret}), cached until shortly before it expires. Local stack and tests: a
 * short-lived HS256 token signed with {@code servelink.security.hmac-secret}, which every local service verifies.
 */
@Component
public class ServiceCredentials {

    static final String SUBJECT = "service:resources-service";

    private final ResourcesSettings.ServiceToken settings;
    private final SecuritySettings security;
    private final Clock clock;
    private final PeerClient identityProvider;
    private final AtomicReference<CachedToken> cached = new AtomicReference<>();

    ServiceCredentials(ResourcesSettings settings, SecuritySettings security, Clock clock, PeerClients peers) {
        this.settings = settings.serviceToken();
        this.security = security;
        this.clock = clock;
        if (this.settings.tokenUri() == null && security.hmacSecret() == null) {
            throw new IllegalStateException("Set servelink.resources.service-token.token-uri (with client-id and client-secret) "
                    + "so that renewal payments can be started");
        }
        this.identityProvider = this.settings.tokenUri() == null ? null : peers.peer("identity-provider", this.settings.tokenUri())
                .timeouts(this.settings.connectTimeout(), this.settings.responseTimeout())
                .build();
    }

    /** A valid token for a call to payment-service. */
    public Mono<String> bearerToken() {
        return settings.tokenUri() == null ? Mono.fromCallable(this::mintLocally) : fromIdentityProvider();
    }

    private String mintLocally() {
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(security.issuer() == null ? "servelink-local" : security.issuer())
                .subject(SUBJECT)
                .issuedAt(now)
                .expiresAt(now.plus(settings.validity()))
                .claim("scope", settings.scope())
                .claim("teams", Map.of())
                .claim("roles", List.of())
                .build();
        NimbusJwtEncoder encoder = NimbusJwtEncoder.withSecretKey(ServelinkAutoConfiguration.hmacKey(security.hmacSecret())).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims)).getTokenValue();
    }

    private Mono<String> fromIdentityProvider() {
        CachedToken token = cached.get();
        if (token != null && token.expiresAt().isAfter(clock.instant().plusSeconds(30))) {
            return Mono.just(token.value());
        }
        Mono<Map<String, Object>> call = identityProvider.web().post().uri(settings.tokenUri())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .headers(headers -> headers.setBasicAuth(settings.clientId(), settings.clientSecret()))
                .body(BodyInserters.fromFormData("grant_type", "client_credentials").with("scope", settings.scope()))
                .retrieve()
                .onStatus(HttpStatusCode::isError, identityProvider::problem)
                .bodyToMono(new ParameterizedTypeReference<>() { });
        return identityProvider.once(call).map(this::remember);
    }

    private String remember(Map<String, Object> answer) {
        String value = String.valueOf(answer.get("access_token"));
        long seconds = answer.get("expires_in") instanceof Number n ? n.longValue() : 60;
        cached.set(new CachedToken(value, clock.instant().plusSeconds(seconds)));
        return value;
    }

    private record CachedToken(String value, Instant expiresAt) {
    }
}
