package io.servelink.contracts.events.payments;

/** What a payment pays for. The payment's {@code reference} is opaque to payment-service; resources-service defines it. */
public enum PaymentPurpose {
    PLAN_UPGRADE,
    ADDON,
    RENEWAL
}
