package io.servelink.resources.addon;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** pending → active (paid) → expired; pending → failed | cancelled. A completed payment activates even a failed or cancelled one. */
public enum AddonStatus implements WireCode {
    PENDING("pending"),
    ACTIVE("active"),
    FAILED("failed"),
    CANCELLED("cancelled"),
    EXPIRED("expired");

    private final String wire;

    AddonStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<AddonStatus> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
