package io.servelink.payment.provider;

/**
 * A provider's answer to a cancel: cancelled, not cancellable any more (with the payment's real state when the
 * provider sent it), or unknown there (the provider never had it, or no longer has it).
 */
public record CancelResult(Kind kind, ProviderPayment payment) {

    public enum Kind { CANCELLED, NOT_CANCELLABLE, UNKNOWN }
}
