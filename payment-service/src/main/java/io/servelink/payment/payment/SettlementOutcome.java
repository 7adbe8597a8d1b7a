package io.servelink.payment.payment;

import java.util.Locale;

/** What applying a provider report did to a payment. */
public enum SettlementOutcome {
    /** The payment moved to the reported status. */
    APPLIED,
    /** The payment already had the reported status: nothing to do. */
    UNCHANGED,
    /**
     * The platform had closed the payment by its own inference (never reached, expired, a cancel the provider did not
     * know) and the provider reports it completed: the money was taken, so it completes.
     */
    COMPLETED_LATE,
    /** The report would move the payment backwards or out of a final state: ignored and recorded. */
    IGNORED_OUT_OF_ORDER,
    /** The reported amount or currency differs from the payment's: flagged for review, never completed. */
    FLAGGED_MISMATCH,
    /**
     * The report contradicts a final status the provider reported before (completed after cancelled, say): nothing
     * changes, the payment is marked for an operator, who may refund it.
     */
    FLAGGED_CONTRADICTION,
    /** No such payment here. */
    UNKNOWN_PAYMENT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
