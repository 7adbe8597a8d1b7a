package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How urgent a ticket is, lowest first. */
public enum Priority {
    LOW, NORMAL, HIGH, URGENT;

    /** One step up; urgent stays urgent. */
    public Priority escalated() {
        return this == URGENT ? URGENT : values()[ordinal() + 1];
    }

    public Priority atLeast(Priority floor) {
        return compareTo(floor) >= 0 ? this : floor;
    }

    @JsonValue
    public String code() {
        return Codes.of(this);
    }

    @JsonCreator
    public static Priority fromCode(String code) {
        return Codes.parse(Priority.class, code);
    }
}
