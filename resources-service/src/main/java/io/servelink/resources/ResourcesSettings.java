package io.servelink.resources;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code servelink.resources.*}.
 *
 * @param paymentUrl        base URL of payment-service (its {@code /api/payments/...} API)
 * @param paymentConnectTimeout  how long opening a connection to payment-service may take
 * @param paymentResponseTimeout how long payment-service may take to answer (the time limiter
 *                          {@code resilience4j.timelimiter.instances.payments} bounds the whole call)
 * @param period            how long a paid Pro period or add-on lasts
 * @param proGrace          how long a team stays Pro after {@code valid_until} before it falls back to Free
 * @param renewalLead       how long before an add-on expires the job starts its renewal payment
 * @param paymentRetryAfter the {@code Retry-After} answered when payment-service is unavailable
 * @param serviceToken      how resources-service authenticates itself to payment-service when no user is present
 */
@Validated
@ConfigurationProperties("servelink.resources")
public record ResourcesSettings(
        @NotNull URI paymentUrl,
        @DefaultValue("2s") Duration paymentConnectTimeout,
        @DefaultValue("5s") Duration paymentResponseTimeout,
        @DefaultValue("30d") Duration period,
        @DefaultValue("3d") Duration proGrace,
        @DefaultValue("3d") Duration renewalLead,
        @DefaultValue("30s") Duration paymentRetryAfter,
        @DefaultValue ServiceToken serviceToken) {

    /**
     * The service credential for renewal payments: an OAuth2 client-credentials token from the identity provider
     * when {@code tokenUri} is set (production), otherwise a short-lived HS256 token signed with
     * {@code servelink.security.hmac-secret} (local stack, tests).
     *
     * @param tokenUri     the identity provider's token endpoint
     * @param clientId     this service's client id
     * @param clientSecret this service's client secret
     * @param scope        the scopes asked for; payment-service and the quote endpoint check them
     * @param validity     lifetime of a locally minted token
     * @param connectTimeout  how long opening a connection to the token endpoint may take
     * @param responseTimeout how long the token endpoint may take to answer (the time limiter
     *                     {@code resilience4j.timelimiter.instances.identity-provider} bounds the whole call)
     */
    public record ServiceToken(URI tokenUri, String clientId, String clientSecret,
                               @DefaultValue("payments:renew resources:quote") String scope,
                               @DefaultValue("5m") Duration validity,
                               @DefaultValue("2s") Duration connectTimeout,
                               @DefaultValue("5s") Duration responseTimeout) {
    }
}
