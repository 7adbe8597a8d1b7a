package io.servelink.payment.provider;

import java.util.Map;

/** A payment as the provider describes it (see docs/PAYMENT_BACKEND_SPEC.md). */
public record ProviderPayment(String id, String status, Long amountMinor, String currency, String method,
                              NextAction nextAction, String failureReason, Map<String, String> metadata) {
}
