package io.servelink.payment.provider;

import java.util.Set;

/**
 * The {@code failure_reason} values the provider contract lists (docs/PAYMENT_BACKEND_SPEC.md, "Failure reasons").
 * Anything else a provider sends is kept in the stored report and shown as {@code other}.
 */
public final class FailureReasons {

    public static final String OTHER = "other";
    public static final Set<String> LISTED = Set.of("payer_declined", "payer_timeout", "insufficient_funds", "card_declined",
            "authentication_failed", "expired", "limit_exceeded", "network_error", "fraud_suspected", OTHER);

    private FailureReasons() {
    }

    public static boolean isListed(String reason) {
        return reason == null || LISTED.contains(reason);
    }

    /** The reason as the platform records it: a listed one as is, null as null, anything else {@code other}. */
    public static String listed(String reason) {
        return isListed(reason) ? reason : OTHER;
    }
}
