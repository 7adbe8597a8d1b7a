package io.servelink.payment.webhook;

import java.time.Instant;
import java.util.Map;

/** The body of a provider webhook (docs/PAYMENT_BACKEND_SPEC.md). */
record WebhookEvent(String eventId, String type, Instant occurredAt, ReportedPayment payment) {

    record ReportedPayment(String id, String status, Long amountMinor, String currency, String method, String failureReason,
                           Map<String, String> metadata) {
    }
}
