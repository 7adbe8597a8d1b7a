package io.servelink.resources.addon;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * An add-on as the API shows it. {@code price_minor} is quantity × unit price per period; {@code auto_renew} false
 * means it runs until {@code expires_at} and then expires.
 */
public record AddonView(String id, String resourceType, int quantity, String status, boolean autoRenew, long unitPriceMinor,
                        long priceMinor, String currency, long trafficBytes, long storageBytes, long ramMb, int cpuCores,
                        String paymentId, Instant activatedAt, Instant expiresAt, Instant createdAt, RenewalView renewal) {

    /** A renewal payment started by the job and awaiting the payer. */
    public record RenewalView(String paymentId, Instant requestedAt, @JsonRawValue String nextAction) {
    }

    public static AddonView of(Addon addon) {
        Addon.Renewal renewal = addon.renewal();
        return new AddonView(addon.id().toString(), addon.resourceType(), addon.quantity(), addon.status().wire(),
                addon.autoRenew(), addon.unitPriceMinor(), addon.priceMinor(), addon.currency(),
                addon.allowance().trafficBytes(), addon.allowance().storageBytes(), addon.allowance().ramMb(),
                addon.allowance().cpuCores(), addon.paymentId(), addon.activatedAt(), addon.expiresAt(), addon.createdAt(),
                renewal == null ? null : new RenewalView(renewal.paymentId(), renewal.requestedAt(), renewal.nextActionJson()));
    }
}
