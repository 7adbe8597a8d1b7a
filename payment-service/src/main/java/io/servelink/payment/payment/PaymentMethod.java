package io.servelink.payment.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;

/** How the payer pays. */
public enum PaymentMethod implements WireCode {
    MOBILE_MONEY("mobile_money"),
    CREDIT_CARD("credit_card");

    private final String wire;

    PaymentMethod(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<PaymentMethod> fromWire(String wire) {
        return WireCode.fromWire(values(), wire);
    }
}
