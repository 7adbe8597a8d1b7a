package io.servelink.contracts.security;

import java.util.Locale;
import java.util.Optional;

/** Roles across teams, from the {@code roles} claim. */
public enum PlatformRole {
    /** Works the support queue and reads internal notes. */
    SUPPORT_AGENT,
    /** Runs the platform: registers projects, triggers jobs. */
    OPERATOR;

    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PlatformRole> fromClaim(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        for (PlatformRole role : values()) {
            if (role.claimValue().equals(value.toString())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
