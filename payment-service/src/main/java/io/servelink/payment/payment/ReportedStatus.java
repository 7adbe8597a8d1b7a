package io.servelink.payment.payment;

import io.servelink.payment.provider.FailureReasons;

/**
 * What the provider says about a payment (in a webhook or when asked by reconciliation). The amount and
 * currency are compared with the payment's own; null means the report did not carry them. A failure reason the
 * contract does not list becomes {@code other} (the stored webhook keeps the provider's words).
 */
public record ReportedStatus(PaymentStatus status, Long amountMinor, String currency, String failureReason) {

    public ReportedStatus {
        failureReason = FailureReasons.listed(failureReason);
    }
}
