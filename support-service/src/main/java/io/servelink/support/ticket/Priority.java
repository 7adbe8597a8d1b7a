package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** How urgent a ticket is, lowest first. */
public enum Priority implements WireCode {
    LOW("low"),
    NORMAL("normal"),
    HIGH("high"),
    URGENT("urgent");

    private final String wire;

    Priority(String wire) {
        this.wire = wire;
    }

    /** One step up; urgent stays urgent. */
    public Priority escalated() {
        return this == URGENT ? URGENT : values()[ordinal() + 1];
    }

    public Priority atLeast(Priority floor) {
        return compareTo(floor) >= 0 ? this : floor;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<Priority> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
