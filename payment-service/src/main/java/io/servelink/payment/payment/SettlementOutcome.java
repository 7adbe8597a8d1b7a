package io.servelink.payment.payment;

import java.util.Locale;

/** What applying a provider report did to a payment. */
public enum SettlementOutcome {
    /** The payment moved to the reported status. */
    APPLIED,
    /** The payment already had the reported status: nothing to do. */
    UNCHANGED,
    /** The report would move the payment backwards or out of a final state: ignored and recorded. */
    IGNORED_OUT_OF_ORDER,
    /** The reported amount or currency differs from the payment's: flagged for review, never completed. */
    FLAGGED_MISMATCH,
    /** No such payment here. */
    UNKNOWN_PAYMENT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
