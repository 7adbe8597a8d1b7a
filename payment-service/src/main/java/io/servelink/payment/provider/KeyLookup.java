package io.servelink.payment.provider;

/** What a provider knows of a payment created under our reference (the idempotency key, which is our payment id). */
public record KeyLookup(State state, ProviderPayment payment) {

    public enum State {
        /** A payment was created with the key. */
        FOUND,
        /** A create with the key is being processed: the provider has it, there is no payment yet. */
        IN_FLIGHT,
        /** The provider has no record of the key. */
        NONE
    }

    public static KeyLookup found(ProviderPayment payment) {
        return new KeyLookup(State.FOUND, payment);
    }

    public static KeyLookup none() {
        return new KeyLookup(State.NONE, null);
    }
}
