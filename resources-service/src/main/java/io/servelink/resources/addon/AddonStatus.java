package io.servelink.resources.addon;

import java.util.Locale;

/** pending → active (paid) → expired; pending → failed | cancelled. A completed payment activates even a failed or cancelled one. */
public enum AddonStatus {
    PENDING, ACTIVE, FAILED, CANCELLED, EXPIRED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AddonStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
