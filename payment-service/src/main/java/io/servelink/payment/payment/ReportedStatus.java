package io.servelink.payment.payment;

/**
 * What the provider says about a payment (in a webhook or when asked by reconciliation). The amount and
 * currency are compared with the payment's own; null means the report did not carry them.
 */
public record ReportedStatus(PaymentStatus status, Long amountMinor, String currency, String failureReason) {
}
