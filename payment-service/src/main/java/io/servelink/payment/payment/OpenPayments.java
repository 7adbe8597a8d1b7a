package io.servelink.payment.payment;

import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Read access to open payments for reconciliation. */
@Component
public class OpenPayments {

    private final PaymentRepository payments;

    OpenPayments(PaymentRepository payments) {
        this.payments = payments;
    }

    /** What reconciliation needs to ask the payment's provider (the adapter it was created with) about it. */
    public record OpenPayment(UUID id, String idempotencyKey, String providerPaymentId, PaymentStatus status,
                              boolean reachedProvider, Instant createdAt, String provider) {
    }

    public Flux<UUID> untouchedSince(Instant before, int limit) {
        return payments.openSince(before, limit);
    }

    /** The payment if it is still open. */
    public Mono<OpenPayment> find(UUID id) {
        return payments.findById(id).filter(p -> p.status().isOpen())
                .zipWith(payments.providerOf(id), (p, provider) -> new OpenPayment(p.id(), p.idempotencyKey(),
                        p.providerPaymentId(), p.status(), p.reachedProvider(), p.createdAt(), provider));
    }
}
