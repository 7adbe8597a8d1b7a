package io.servelink.payment.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Where a payment stands. Lower-case on the wire and in the database. */
public enum PaymentStatus {
    PENDING,
    PROCESSING,
    COMPLETED,
    FAILED,
    CANCELLED;

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
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PaymentStatus> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (PaymentStatus status : values()) {
            if (status.wire().equals(value)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
