package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Where a ticket stands. The allowed moves are the state machine of {@link Ticket}. */
public enum TicketStatus implements WireCode {
    OPEN("open"),
    IN_PROGRESS("in_progress"),
    WAITING("waiting"),
    RESOLVED("resolved"),
    CLOSED("closed");

    private final String wire;

    TicketStatus(String wire) {
        this.wire = wire;
    }

    /** Statuses a ticket may move to from this one. */
    Set<TicketStatus> next() {
        return switch (this) {
            case OPEN -> EnumSet.of(IN_PROGRESS, WAITING, RESOLVED, CLOSED);
            case IN_PROGRESS -> EnumSet.of(OPEN, WAITING, RESOLVED, CLOSED);
            case WAITING -> EnumSet.of(OPEN, IN_PROGRESS, RESOLVED, CLOSED);
            case RESOLVED -> EnumSet.of(OPEN, IN_PROGRESS, CLOSED);
            case CLOSED -> EnumSet.of(OPEN);
        };
    }

    public boolean isFinished() {
        return this == RESOLVED || this == CLOSED;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<TicketStatus> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
