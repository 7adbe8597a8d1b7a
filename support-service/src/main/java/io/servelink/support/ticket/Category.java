package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** What a ticket is about. */
public enum Category implements WireCode {
    TECHNICAL("technical"),
    BILLING("billing"),
    FEATURE_REQUEST("feature_request"),
    BUG_REPORT("bug_report"),
    OTHER("other");

    private final String wire;

    Category(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<Category> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
