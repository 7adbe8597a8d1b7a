package io.servelink.payment.provider;

import java.util.Locale;

/** Why a webhook delivery's signature was or was not accepted; {@link #wire()} names the rejection. */
public enum SignatureCheck {
    VALID, MISSING, MALFORMED, STALE, MISMATCH;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
