package io.servelink.payment.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.payment.payment.PaymentSettlement;
import io.servelink.payment.payment.PaymentStatus;
import io.servelink.payment.payment.ReportedStatus;
import io.servelink.payment.provider.FailureReasons;
import io.servelink.payment.provider.ProviderEvent;
import io.servelink.payment.provider.ProviderPayment;
import io.servelink.payment.provider.ProviderWebhooks;
import io.servelink.payment.provider.SignatureCheck;
import io.servelink.payment.provider.ProviderSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives provider webhooks: verifies the signature over the raw bytes, records every delivery in
 * {@code payment_webhooks}, and applies a signed one once per provider event id, in one transaction with
 * the payment's state change (so a redelivery racing the first finds the event already there). A signed delivery is
 * always stored and acknowledged: one this service does not understand (an unknown event type or status, a body of
 * another shape) is answered {@code 200 unrecognized} and marked for an operator ({@code review_reason}), since the
 * provider retrying it would never change the answer.
 */
@Service
class WebhookService {

    /** The audit action of a delivery refused for its signature (kept for {@code webhook-retention.keep-rejected-for}). */
    static final String REJECTED = "webhook.rejected";
    /** The generic contract's webhook ({@code /api/payments/callback}), as recorded in {@code payment_webhooks.provider}. */
    static final String GENERIC = "generic";
    static final URI INVALID_SIGNATURE = URI.create("https://problems.servelink.io/invalid-signature");
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);

    private final WebhookSignature signature;
    private final PaymentSettlement settlement;
    private final AuditLog audit;
    private final DatabaseClient db;
    private final JsonMapper json;
    private final TransactionalOperator transactions;
    private final Clock clock;
    private final MeterRegistry meters;

    WebhookService(ProviderSettings provider, PaymentSettlement settlement, AuditLog audit, DatabaseClient db,
                   JsonMapper json, TransactionalOperator transactions, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.signature = new WebhookSignature(provider.webhookSecret(), provider.webhookSecretPrevious(),
                provider.webhookTolerance());
        this.settlement = settlement;
        this.audit = audit;
        this.db = db;
        this.json = json;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** What was done with a delivery: the outcome and the payment it concerned (for the 2xx answer). */
    record Receipt(String outcome, String paymentId) {
    }

    /** Counts deliveries by outcome ({@code servelink.payment.webhooks}). */
    Mono<Receipt> receive(byte[] body, String timestamp, String signatureHeader, RequestOrigin origin) {
        return counted(verifyAndApply(body, timestamp, signatureHeader, origin));
    }

    /**
     * A delivery on an adapter's own callback path ({@code /api/webhooks/{provider}}): the adapter checks its signature
     * and turns the body into a {@link ProviderEvent}; storing, deduplication by the provider's event id, settlement
     * and the answers are the same as for the generic contract's webhook.
     */
    Mono<Receipt> receive(ProviderWebhooks adapter, byte[] body, HttpHeaders headers, RequestOrigin origin) {
        return counted(Mono.defer(() -> verifyAndApply(adapter, body, headers, origin)));
    }

    private Mono<Receipt> counted(Mono<Receipt> receipt) {
        return receipt.doOnNext(r -> count(r.outcome()))
                .doOnError(ApiProblem.class, e -> count(e.getStatusCode().value() == 401 ? "rejected_signature" : "malformed"));
    }

    private Mono<Receipt> verifyAndApply(ProviderWebhooks adapter, byte[] body, HttpHeaders headers, RequestOrigin origin) {
        String provider = adapter.name();
        SignatureCheck check = adapter.verify(headers, body, clock.instant());
        String raw = new String(body, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        if (check != SignatureCheck.VALID) {
            return reject(provider, raw, check.wire(), origin);
        }
        Optional<ProviderEvent> parsed = adapter.parse(body);
        if (parsed.isEmpty() || parsed.get().eventId() == null || parsed.get().eventId().isBlank()) {
            return unrecognized(provider, null, raw, "not a " + provider + " webhook of the documented shape", origin);
        }
        ProviderEvent event = parsed.get();
        return switch (event.kind()) {
            case UNRECOGNIZED -> unrecognized(provider, event.eventId(), raw, event.unrecognized(), origin);
            case REFUND -> applyRefund(provider, event.eventId(), event.refund().paymentId(), event.refund().id(),
                    event.refund().status(), raw, origin);
            case PAYMENT -> {
                ProviderPayment reported = event.payment();
                PaymentStatus status = PaymentStatus.fromWire(reported.status()).orElseThrow();
                yield apply(provider, event.eventId(), reported.id(), reported.metadata(), status, reported.amountMinor(),
                        reported.currency(), reported.failureReason(), raw, origin);
            }
        };
    }

    private void count(String outcome) {
        meters.counter("servelink.payment.webhooks", "outcome", outcome).increment();
    }

    private Mono<Receipt> verifyAndApply(byte[] body, String timestamp, String signatureHeader, RequestOrigin origin) {
        WebhookSignature.Verdict verdict = signature.verify(timestamp, signatureHeader, body, clock.instant());
        String raw = new String(body, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        if (verdict != WebhookSignature.Verdict.VALID) {
            return reject(GENERIC, raw, verdict.wire(), origin);
        }
        Optional<WebhookEvent> parsed = parse(body);
        if (parsed.isEmpty() || parsed.get().eventId() == null || parsed.get().eventId().isBlank()) {
            return unrecognized(GENERIC, null, raw, "not a webhook of the documented shape (no event_id)", origin);
        }
        WebhookEvent event = parsed.get();
        if (WebhookEvent.REFUND_STATUS_CHANGED.equals(event.type()) && event.refund() != null) {
            WebhookEvent.ReportedRefund refund = event.refund();
            return applyRefund(GENERIC, event.eventId(), refund.paymentId(), refund.id(), refund.status(), raw, origin);
        }
        if (!WebhookEvent.PAYMENT_STATUS_CHANGED.equals(event.type()) || event.payment() == null) {
            return unrecognized(GENERIC, event.eventId(), raw, "unknown event type " + abbreviate(String.valueOf(event.type())), origin);
        }
        Optional<PaymentStatus> status = PaymentStatus.fromWire(event.payment().status());
        if (status.isEmpty()) {
            return unrecognized(GENERIC, event.eventId(), raw, "unknown payment status " + abbreviate(String.valueOf(event.payment().status())),
                    origin);
        }
        WebhookEvent.ReportedPayment reported = event.payment();
        return apply(GENERIC, event.eventId(), reported.id(), reported.metadata(), status.get(), reported.amountMinor(),
                reported.currency(), reported.failureReason(), raw, origin);
    }

    /** A signed delivery this service does not understand: stored, acknowledged, marked for an operator. */
    private Mono<Receipt> unrecognized(String provider, String eventId, String raw, String why, RequestOrigin origin) {
        log.warn("Signed {} webhook {} not understood ({}); stored for review and acknowledged", provider, eventId, why);
        return insert(provider, eventId, null, null, raw, true, "unrecognized", why, origin)
                .map(rowId -> new Receipt("unrecognized", null))
                .defaultIfEmpty(new Receipt("duplicate", null));
    }

    /** {@code failureReason} is the provider's own words, {@code reported} what the platform records. */
    private Mono<Receipt> apply(String provider, String eventId, String providerPaymentId, Map<String, String> metadata,
                                PaymentStatus status, Long amountMinor, String currency, String failureReason, String raw,
                                RequestOrigin origin) {
        UUID paymentId = metadataPaymentId(metadata);
        ReportedStatus reported = new ReportedStatus(status, amountMinor, currency, failureReason);
        String review = FailureReasons.isListed(failureReason) ? null
                : "unlisted failure_reason " + abbreviate(failureReason) + " (recorded as other)";
        return insert(provider, eventId, providerPaymentId, status.wire(), raw, true, "received", review, origin)
                .flatMap(rowId -> settlement.apply(new PaymentSettlement.PaymentRef(paymentId, providerPaymentId, provider), reported,
                                provider + " webhook " + eventId)
                        .flatMap(result -> recordOutcome(rowId, result)))
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    log.info("{} webhook event {} was already processed; redelivery acknowledged", provider, eventId);
                    return new Receipt("duplicate", paymentId == null ? null : paymentId.toString());
                }))
                .as(transactions::transactional);
    }

    private Mono<Receipt> applyRefund(String provider, String eventId, String providerPaymentId, String refundId,
                                      String refundStatus, String raw, RequestOrigin origin) {
        return insert(provider, eventId, providerPaymentId, null, raw, true, "received", null, origin)
                .flatMap(rowId -> settlement.refundReported(provider, providerPaymentId, refundId, refundStatus)
                        .flatMap(result -> recordOutcome(rowId, result)))
                .switchIfEmpty(Mono.fromSupplier(() -> new Receipt("duplicate", null)))
                .as(transactions::transactional);
    }

    private Mono<Receipt> recordOutcome(long rowId, PaymentSettlement.Result result) {
        if (result.paymentId() == null || result.status() == null) {
            log.warn("Webhook row {} concerns no payment known here; acknowledged and recorded", rowId);
        }
        return db.sql("UPDATE payment_webhooks SET outcome = :outcome, payment_id = :payment WHERE id = :id")
                .bind("outcome", result.outcome().wire())
                .bind("payment", Parameter.fromOrEmpty(result.status() == null ? null : result.paymentId(), UUID.class))
                .bind("id", rowId)
                .fetch().rowsUpdated()
                .thenReturn(new Receipt(result.outcome().wire(), result.paymentId() == null ? null : result.paymentId().toString()));
    }

    private Mono<Receipt> reject(String provider, String raw, String reason, RequestOrigin origin) {
        log.warn("{} webhook rejected from {}: signature {}", provider, origin.remoteAddress(), reason);
        return insert(provider, null, null, null, raw, false, "rejected_" + reason, null, origin)
                .then(audit.record(new AuditEntry("payment-provider", REJECTED, null, null, origin,
                        Map.of("reason", reason, "provider", provider))))
                .as(transactions::transactional)
                .then(Mono.error(new ApiProblem(HttpStatus.UNAUTHORIZED, INVALID_SIGNATURE, "Invalid webhook signature",
                        "The webhook signature is " + reason + "; see docs/PAYMENT_BACKEND_SPEC.md")));
    }

    /** Stores a delivery; empty when a signed delivery with the same event id is already stored. */
    private Mono<Long> insert(String provider, String eventId, String providerPaymentId, String status, String raw,
                              boolean signatureOk, String outcome, String review, RequestOrigin origin) {
        return db.sql("INSERT INTO payment_webhooks (provider, provider_event_id, payment_id, provider_payment_id, reported_status, "
                        + "raw_body, signature_ok, outcome, review_reason, remote_address) VALUES (:provider, :event, :payment, :providerId, "
                        + ":status, :raw, :ok, :outcome, :review, :remote) "
                        + "ON CONFLICT (provider, provider_event_id) WHERE signature_ok DO NOTHING RETURNING id")
                .bind("provider", provider)
                .bind("event", Parameter.fromOrEmpty(eventId == null ? null : abbreviate(eventId), String.class))
                .bind("payment", Parameter.fromOrEmpty(null, UUID.class))
                .bind("providerId", Parameter.fromOrEmpty(providerPaymentId == null ? null : abbreviate(providerPaymentId), String.class))
                .bind("status", Parameter.fromOrEmpty(status, String.class))
                .bind("raw", raw)
                .bind("ok", signatureOk)
                .bind("outcome", outcome)
                .bind("review", Parameter.fromOrEmpty(review == null ? null : review.length() > 200 ? review.substring(0, 200) : review,
                        String.class))
                .bind("remote", Parameter.fromOrEmpty(origin.remoteAddress(), String.class))
                .map((row, meta) -> row.get("id", Long.class))
                .one();
    }

    private Optional<WebhookEvent> parse(byte[] body) {
        try {
            return Optional.ofNullable(json.readValue(body, WebhookEvent.class));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static UUID metadataPaymentId(Map<String, String> metadata) {
        String id = metadata == null ? null : metadata.get("payment_id");
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviate(String value) {
        return value == null ? null : value.length() > 100 ? value.substring(0, 100) : value;
    }
}
