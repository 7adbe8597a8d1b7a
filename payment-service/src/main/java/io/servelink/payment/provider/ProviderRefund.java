package io.servelink.payment.provider;

/** A refund as the provider describes it: {@code pending}, {@code succeeded} or {@code failed}. */
public record ProviderRefund(String id, String paymentId, String status, Long amountMinor, String currency,
                             String failureReason) {
}
