package io.servelink.payment.payment;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.payment.provider.PaymentProviders;
import io.servelink.payment.provider.ProviderException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Payments an operator must look at ({@code review_reason}: a provider report contradicting one it made before, a
 * create answer that did not match the request, a late completion that paid twice for one purchase), and the refund an
 * operator can send through the provider for one the provider reported completed.
 */
@Service
class PaymentReview {

    static final String REFUND_REQUESTED = "payment.refund_requested";
    static final Set<String> REFUND_STATUSES = Set.of("pending", "succeeded", "failed");

    private final PaymentRepository payments;
    private final PaymentProviders providers;
    private final AuditLog audit;
    private final TransactionalOperator transactions;
    private final Clock clock;

    PaymentReview(PaymentRepository payments, PaymentProviders providers, AuditLog audit, TransactionalOperator transactions,
                  Clock clock) {
        this.payments = payments;
        this.providers = providers;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    Flux<ReviewedPayment> underReview(int limit) {
        return payments.underReview(limit).map(ReviewedPayment::of);
    }

    /**
     * Refunds the whole amount of a payment under review that the provider reported completed, through its provider's
     * refund call with the key {@code refund:<payment id>}: asking twice refunds once. 409 for any other payment, 503 when
     * the provider is unavailable (nothing recorded; ask again).
     */
    Mono<ReviewedPayment> refund(String paymentId, ServelinkClaims operator, RequestOrigin origin) {
        return parse(paymentId).flatMap(payments::findById)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No payment '" + paymentId + "'")))
                .flatMap(payment -> refundable(payment).then(payments.providerOf(payment.id()).map(providers::named))
                        .flatMap(provider -> provider.refund(payment.providerPaymentId(), payment.amountMinor(),
                                payment.currency(), payment.reviewReason(), "refund:" + payment.id()))
                        .onErrorMap(ProviderException.class, e -> e.kind() == ProviderException.Kind.REJECTED
                                ? ApiProblem.conflict("The provider refused the refund; see its dashboard")
                                : ApiProblem.unavailable("The payment provider is unavailable; nothing was refunded, try again later",
                                        e.retryAfter()))
                        .flatMap(refund -> payments.lockById(payment.id())
                                .flatMap(locked -> payments.update(locked.refunded(refund.id(),
                                        REFUND_STATUSES.contains(refund.status()) ? refund.status() : "pending", clock.instant())))
                                .flatMap(refunded -> audit.record(new AuditEntry(operator.subject(), REFUND_REQUESTED,
                                        refunded.teamSlug(), refunded.id().toString(), origin, details(refunded))).thenReturn(refunded))
                                .as(transactions::transactional)))
                .map(ReviewedPayment::of);
    }

    private static Mono<Void> refundable(Payment payment) {
        if (payment.reviewReason() == null) {
            return Mono.error(ApiProblem.conflict("Only payments under review are refunded here"));
        }
        if (payment.providerStatus() != PaymentStatus.COMPLETED || payment.providerPaymentId() == null) {
            return Mono.error(ApiProblem.conflict("The provider has not reported this payment completed: there is nothing to refund"));
        }
        if (payment.refundId() != null && !"failed".equals(payment.refundStatus())) {
            return Mono.error(ApiProblem.conflict("A refund was already requested (" + payment.refundStatus() + ")"));
        }
        return Mono.empty();
    }

    private static Map<String, Object> details(Payment p) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("amount_minor", p.amountMinor());
        details.put("currency", p.currency());
        details.put("refund_id", p.refundId());
        details.put("refund_status", p.refundStatus());
        details.put("review_reason", p.reviewReason());
        return details;
    }

    private static Mono<UUID> parse(String id) {
        try {
            return Mono.just(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Mono.empty();
        }
    }

    /** A payment under review as operators see it. */
    record ReviewedPayment(PaymentView payment, String reviewReason, String providerPaymentId, String providerStatus,
                           boolean reachedProvider, String refundId, String refundStatus) {

        static ReviewedPayment of(Payment p) {
            return new ReviewedPayment(PaymentView.of(p), p.reviewReason(), p.providerPaymentId(),
                    p.providerStatus() == null ? null : p.providerStatus().wire(), p.reachedProvider(), p.refundId(),
                    p.refundStatus());
        }
    }
}
