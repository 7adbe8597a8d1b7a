package io.servelink.contracts.security;

import java.util.Locale;
import java.util.Optional;

/** A user's role in one team, from the {@code teams} claim. */
public enum TeamRole {
    OWNER,
    ADMIN,
    MEMBER;

    /** Paying, buying and cancelling need an owner or an admin. */
    public boolean canManageBilling() {
        return this == OWNER || this == ADMIN;
    }

    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TeamRole> fromClaim(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        for (TeamRole role : values()) {
            if (role.claimValue().equals(value.toString())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
