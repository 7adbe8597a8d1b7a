package io.servelink.resources.addon;

import io.servelink.starter.ApiProblem;
import io.servelink.resources.catalog.AddonType;
import io.servelink.resources.catalog.Allowance;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * An add-on a team bought, with its state machine. The granted allowance and the unit price are fixed when it is
 * bought. Transitions return the new state; {@link #countsTowardsLimits()} says whether it is in the team's limits.
 *
 * @param renewal the renewal payment started by the job and not yet settled, or null
 */
public record Addon(UUID id, String teamSlug, String resourceType, int quantity, Allowance allowance, long unitPriceMinor,
                    String currency, AddonStatus status, boolean autoRenew, String paymentMethod, String phone,
                    String paymentId, Instant activatedAt, Instant expiresAt, Renewal renewal, Instant createdAt) {

    /** A renewal payment in flight: its id, when the job asked for it, and the payer's next action as JSON. */
    public record Renewal(String paymentId, Instant requestedAt, String nextActionJson) {
    }

    public static Addon pending(UUID id, String teamSlug, AddonType type, int quantity, String paymentMethod, String phone,
                                Instant now) {
        return new Addon(id, teamSlug, type.id(), quantity, type.perUnit().times(quantity), type.priceMinor(), type.currency(),
                AddonStatus.PENDING, true, paymentMethod, phone, null, null, null, null, now);
    }

    /** The payment reference payment-service carries for this add-on. */
    public String reference() {
        return reference(id);
    }

    public static String reference(UUID id) {
        return "addon:" + id;
    }

    public long priceMinor() {
        return Math.multiplyExact(unitPriceMinor, quantity);
    }

    public boolean countsTowardsLimits() {
        return status == AddonStatus.ACTIVE;
    }

    public Addon withPaymentId(String newPaymentId) {
        return new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, status, autoRenew,
                paymentMethod, phone, newPaymentId, activatedAt, expiresAt, renewal, createdAt);
    }

    /**
     * The purchase payment completed: active for one period from now. Money wins, so a purchase marked failed or
     * cancelled (e.g. payment-service timed out but took the payment) is activated too; an active or expired
     * add-on stays as it is (it was paid already).
     */
    public Addon paid(String byPaymentId, Instant now, Duration period) {
        if (status == AddonStatus.ACTIVE || status == AddonStatus.EXPIRED) {
            return this;
        }
        return new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, AddonStatus.ACTIVE,
                autoRenew, paymentMethod, phone, byPaymentId, now, now.plus(period), null, createdAt);
    }

    /** The purchase payment failed or was cancelled: a pending add-on ends in that state, others are untouched. */
    public Addon paymentEnded(AddonStatus outcome) {
        if (outcome != AddonStatus.FAILED && outcome != AddonStatus.CANCELLED) {
            throw new IllegalArgumentException("A payment ends failed or cancelled, not " + outcome);
        }
        if (status != AddonStatus.PENDING) {
            return this;
        }
        return withStatus(outcome, false);
    }

    /**
     * The renewal payment completed: an active add-on runs one period longer; one that expired meanwhile is active
     * again for one period from now. Pending, failed or cancelled purchases were never active, nothing to renew.
     */
    public Addon renewed(Instant now, Duration period) {
        return switch (status) {
            case ACTIVE -> new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, status,
                    autoRenew, paymentMethod, phone, paymentId, activatedAt, expiresAt.plus(period), null, createdAt);
            case EXPIRED -> new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency,
                    AddonStatus.ACTIVE, autoRenew, paymentMethod, phone, paymentId, now, now.plus(period), null, createdAt);
            default -> this;
        };
    }

    /** The renewal payment failed or was cancelled: the add-on runs to its end; the next job run may ask again. */
    public Addon renewalEnded() {
        return renewal == null ? this : withRenewal(null);
    }

    public Addon renewalRequested(Renewal newRenewal) {
        return withRenewal(newRenewal);
    }

    /** Whether the job should start a renewal payment now (the team's plan is checked by the job). */
    public boolean renewalDue(Instant now, Duration lead) {
        return status == AddonStatus.ACTIVE && autoRenew && renewal == null && !expiresAt.isAfter(now.plus(lead));
    }

    /**
     * The owner cancels: an active add-on stops renewing and stays active until it expires; a pending one is
     * cancelled. Cancelling twice is harmless; a failed or expired add-on cannot be cancelled.
     */
    public Addon cancel() {
        return switch (status) {
            case ACTIVE -> new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, status,
                    false, paymentMethod, phone, paymentId, activatedAt, expiresAt, renewal, createdAt);
            case PENDING -> withStatus(AddonStatus.CANCELLED, false);
            case CANCELLED -> this;
            case FAILED, EXPIRED -> throw ApiProblem.conflict("Add-on " + id + " is " + status.wire() + " and cannot be cancelled");
        };
    }

    /** Stops renewing (the team fell back to Free); it stays active until it expires. */
    public Addon stopRenewing() {
        if (!autoRenew) {
            return this;
        }
        return new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, status, false,
                paymentMethod, phone, paymentId, activatedAt, expiresAt, renewal, createdAt);
    }

    /** An active add-on whose time is up expires; anything else is untouched. */
    public Addon expireIfDue(Instant now) {
        if (status != AddonStatus.ACTIVE || expiresAt.isAfter(now)) {
            return this;
        }
        return new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, AddonStatus.EXPIRED,
                autoRenew, paymentMethod, phone, paymentId, activatedAt, expiresAt, null, createdAt);
    }

    private Addon withStatus(AddonStatus newStatus, boolean renew) {
        return new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, newStatus, renew,
                paymentMethod, phone, paymentId, activatedAt, expiresAt, renewal, createdAt);
    }

    private Addon withRenewal(Renewal newRenewal) {
        return new Addon(id, teamSlug, resourceType, quantity, allowance, unitPriceMinor, currency, status, autoRenew,
                paymentMethod, phone, paymentId, activatedAt, expiresAt, newRenewal, createdAt);
    }
}
