package io.servelink.payment.payment;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code servelink.payment.*}.
 *
 * @param resourcesUrl root of resources-service, which quotes every price
 * @param resourcesConnectTimeout  how long opening a connection to resources-service may take
 * @param resourcesResponseTimeout how long resources-service may take to answer a quote (the time limiter
 *                     {@code resilience4j.timelimiter.instances.resources} bounds the whole call)
 * @param callbackUrl  the public URL of our webhook, given to the provider with every payment
 * @param returnUrl    where the payer's browser returns after a card checkout; {@code {payment_id}} is replaced
 * @param retryAfter   what a 503 tells the caller to wait when resources-service is unavailable
 * @param freshLogin   payments at or above {@code amountThresholdMinor} need a login within {@code maxAge}
 */
@Validated
@ConfigurationProperties("servelink.payment")
record PaymentSettings(@NotNull URI resourcesUrl,
                       @DefaultValue("2s") Duration resourcesConnectTimeout,
                       @DefaultValue("2s") Duration resourcesResponseTimeout,
                       @NotNull URI callbackUrl, @NotNull String returnUrl,
                       @DefaultValue("10s") Duration retryAfter,
                       @DefaultValue FreshLogin freshLogin) {

    record FreshLogin(@DefaultValue("10000") long amountThresholdMinor, @DefaultValue("5m") Duration maxAge) {
    }
}
