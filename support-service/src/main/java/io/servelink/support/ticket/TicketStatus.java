package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Set;

/** Where a ticket stands. The allowed moves are the state machine of {@link Ticket}. */
public enum TicketStatus {
    OPEN, IN_PROGRESS, WAITING, RESOLVED, CLOSED;

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
    public String code() {
        return Codes.of(this);
    }

    @JsonCreator
    public static TicketStatus fromCode(String code) {
        return Codes.parse(TicketStatus.class, code);
    }
}
