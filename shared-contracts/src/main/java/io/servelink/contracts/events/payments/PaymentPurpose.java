package io.servelink.contracts.events.payments;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** What a payment pays for. The payment's {@code reference} is opaque to payment-service; resources-service defines it. */
public enum PaymentPurpose implements WireCode {
    PLAN_UPGRADE("PLAN_UPGRADE"),
    ADDON("ADDON"),
    RENEWAL("RENEWAL");

    private final String wire;

    PaymentPurpose(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<PaymentPurpose> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
