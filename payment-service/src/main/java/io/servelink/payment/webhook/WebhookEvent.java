package io.servelink.payment.webhook;

import java.time.Instant;
import java.util.Map;

/** The body of a provider webhook (docs/PAYMENT_BACKEND_SPEC.md). */
record WebhookEvent(String eventId, String type, Instant occurredAt, ReportedPayment payment, ReportedRefund refund) {

    static final String PAYMENT_STATUS_CHANGED = "payment.status_changed";
    static final String REFUND_STATUS_CHANGED = "refund.status_changed";

    record ReportedRefund(String id, String paymentId, String status, Long amountMinor, String currency,
                          String failureReason) {
    }

    record ReportedPayment(String id, String status, Long amountMinor, String currency, String method, String failureReason,
                           Map<String, String> metadata) {
    }
}
