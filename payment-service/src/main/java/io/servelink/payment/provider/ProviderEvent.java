package io.servelink.payment.provider;

/**
 * A provider's webhook in the service's own terms: a payment report (in the generic contract's statuses), a refund
 * report, or a signed event this service does not act on ({@code unrecognized} says why).
 *
 * @param eventId      the provider's id of this change, the same on every redelivery (deduplication key)
 * @param payment      the payment as reported, for {@link Kind#PAYMENT}
 * @param refund       the refund as reported, for {@link Kind#REFUND}
 * @param unrecognized why the event is not understood, for {@link Kind#UNRECOGNIZED}
 */
public record ProviderEvent(String eventId, Kind kind, ProviderPayment payment, ProviderRefund refund, String unrecognized) {

    public enum Kind { PAYMENT, REFUND, UNRECOGNIZED }

    public static ProviderEvent payment(String eventId, ProviderPayment payment) {
        return new ProviderEvent(eventId, Kind.PAYMENT, payment, null, null);
    }

    public static ProviderEvent refund(String eventId, ProviderRefund refund) {
        return new ProviderEvent(eventId, Kind.REFUND, null, refund, null);
    }

    public static ProviderEvent unrecognized(String eventId, String why) {
        return new ProviderEvent(eventId, Kind.UNRECOGNIZED, null, null, why);
    }
}
