package io.servelink.payment.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** What applying a provider report did to a payment. */
public enum SettlementOutcome implements WireCode {
    /** The payment moved to the reported status. */
    APPLIED("applied"),
    /** The payment already had the reported status: nothing to do. */
    UNCHANGED("unchanged"),
    /**
     * The platform had closed the payment by its own inference (never reached, expired, a cancel the provider did not
     * know) and the provider reports it completed: the money was taken, so it completes.
     */
    COMPLETED_LATE("completed_late"),
    /** The report would move the payment backwards or out of a final state: ignored and recorded. */
    IGNORED_OUT_OF_ORDER("ignored_out_of_order"),
    /** The reported amount or currency differs from the payment's: flagged for review, never completed. */
    FLAGGED_MISMATCH("flagged_mismatch"),
    /**
     * The report contradicts a final status the provider reported before (completed after cancelled, say): nothing
     * changes, the payment is marked for an operator, who may refund it.
     */
    FLAGGED_CONTRADICTION("flagged_contradiction"),
    /** No such payment here. */
    UNKNOWN_PAYMENT("unknown_payment");

    private final String wire;

    SettlementOutcome(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<SettlementOutcome> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
