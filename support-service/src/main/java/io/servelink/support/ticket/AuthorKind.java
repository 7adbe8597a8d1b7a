package io.servelink.support.ticket;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** Who wrote a message: the team's customer, a support agent, or the help assistant (automatic). */
public enum AuthorKind implements WireCode {
    CUSTOMER("customer"),
    AGENT("agent"),
    ASSISTANT("assistant");

    private final String wire;

    AuthorKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<AuthorKind> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
