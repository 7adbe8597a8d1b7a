package io.servelink.contracts.security;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** Roles across teams, from the {@code roles} claim. */
public enum PlatformRole implements WireCode {
    /** Works the support queue and reads internal notes. */
    SUPPORT_AGENT("support_agent"),
    /** Runs the platform: registers projects, triggers jobs. */
    OPERATOR("operator");

    private final String wire;

    PlatformRole(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<PlatformRole> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
