package io.servelink.payment.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** How the payer pays. */
public enum PaymentMethod {
    MOBILE_MONEY,
    CREDIT_CARD;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PaymentMethod> fromWire(String value) {
        for (PaymentMethod method : values()) {
            if (method.wire().equals(value)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }
}
