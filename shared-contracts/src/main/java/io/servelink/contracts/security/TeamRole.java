package io.servelink.contracts.security;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** A user's role in one team, from the {@code teams} claim. */
public enum TeamRole implements WireCode {
    OWNER("owner"),
    ADMIN("admin"),
    MEMBER("member");

    private final String wire;

    TeamRole(String wire) {
        this.wire = wire;
    }

    /** Paying, buying and cancelling need an owner or an admin. */
    public boolean canManageBilling() {
        return this == OWNER || this == ADMIN;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<TeamRole> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
