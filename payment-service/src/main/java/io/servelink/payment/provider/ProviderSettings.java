package io.servelink.payment.provider;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code servelink.payment.provider.*}: where the provider is, the secrets shared with it, the connection's
 * timeouts. The time limit of a call, retries and the circuit breaker are Resilience4j instances in
 * {@code resilience4j.*} (instance {@code provider}).
 *
 * @param baseUrl          the provider's API root (the local profile points it at the built-in simulator)
 * @param apiKey           merchant API key, sent as a bearer token
 * @param webhookSecret    HMAC-SHA256 key of the webhook signatures
 * @param webhookTolerance how far a webhook timestamp may be from our clock (replay window)
 * @param connectTimeout   TCP connect timeout of the HTTP client
 * @param responseTimeout  how long the provider may take to answer once a request is sent (the time limiter
 *                         {@code resilience4j.timelimiter.instances.provider} bounds each attempt as a whole)
 * @param retryAfter       what a 503 answer tells the caller to wait when the provider is unavailable (a provider's
 *                         longer {@code Retry-After} wins)
 * @param maxRetryAfter    the longest {@code Retry-After} of a 429 the client waits before its next attempt; a longer
 *                         one ends the call
 * @param webhookSecretPrevious the secret being retired during a rotation: signatures under it are accepted too
 *                         (empty when no rotation is under way)
 */
@Validated
@ConfigurationProperties("servelink.payment.provider")
public record ProviderSettings(@NotNull URI baseUrl, @NotBlank String apiKey, @NotBlank String webhookSecret,
                               @DefaultValue("5m") Duration webhookTolerance,
                               @DefaultValue("2s") Duration connectTimeout,
                               @DefaultValue("5s") Duration responseTimeout,
                               @DefaultValue("30s") Duration retryAfter,
                               @DefaultValue("5s") Duration maxRetryAfter,
                               @DefaultValue("") String webhookSecretPrevious) {
}
