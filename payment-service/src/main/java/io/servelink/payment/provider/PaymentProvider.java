package io.servelink.payment.provider;

import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * One payment provider behind the service's own model ({@link ProviderPayment}, {@link KeyLookup},
 * {@link CancelResult}, {@link ProviderRefund}): what the rest of the service asks of any
 * provider. {@link PaymentProviders} chooses the adapter of a payment by configuration. An adapter with a webhook of its
 * own provider's format also implements {@link ProviderWebhooks}; the generic contract's webhook is the service's
 * {@code /api/payments/callback}.
 *
 * <p>Every call answers in the generic contract's terms (docs/PAYMENT_BACKEND_SPEC.md) and fails with a
 * {@link ProviderException} saying what is known about the payment at the provider. Amounts are minor units of the
 * payment's currency; an adapter converts to its provider's unit.
 */
public interface PaymentProvider {

    /** The adapter's name: the value of {@code servelink.payment.providers.routes[].provider}, stored on each payment. */
    String name();

    /** Whether this adapter takes payments in {@code currency} (ISO 4217); any other is refused before a call. */
    boolean takes(String currency);

    /**
     * Creates the payment under {@code idempotencyKey} (our payment id). A retried attempt never creates a second
     * payment: it finds the first by our reference, whether or not the provider honours an idempotency header.
     */
    Mono<ProviderPayment> create(CreateProviderPayment body, String idempotencyKey);

    /** The payment, or empty when the provider does not know (or no longer knows) the id. */
    Mono<Optional<ProviderPayment>> get(String providerPaymentId);

    /** The payment created under our reference, a create still in flight with it, or none. */
    Mono<KeyLookup> findByIdempotencyKey(String idempotencyKey);

    /** Cancels at the provider; not retried. */
    Mono<CancelResult> cancel(String providerPaymentId);

    /**
     * Refunds a completed payment in full, at most once per key. An adapter whose provider offers no refund through
     * its API fails with a {@link ProviderException} of kind {@code REJECTED}.
     */
    Mono<ProviderRefund> refund(String providerPaymentId, long amountMinor, String currency, String reason,
                                String idempotencyKey);
}
