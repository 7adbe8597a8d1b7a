package io.servelink.payment.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;
import java.util.Set;

/** Where a payment stands, by the same code on the wire and in the database. */
public enum PaymentStatus implements WireCode {
    PENDING("pending"),
    PROCESSING("processing"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wire;

    PaymentStatus(String wire) {
        this.wire = wire;
    }

    private static final Set<PaymentStatus> OPEN = Set.of(PENDING, PROCESSING);

    public boolean isOpen() {
        return OPEN.contains(this);
    }

    public boolean isTerminal() {
        return !isOpen();
    }

    /** The forward moves of the state machine; everything else is refused. */
    boolean canMoveTo(PaymentStatus next) {
        return switch (this) {
            case PENDING -> next != PENDING;
            case PROCESSING -> next == COMPLETED || next == FAILED || next == CANCELLED;
            case COMPLETED, FAILED, CANCELLED -> false;
        };
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<PaymentStatus> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
