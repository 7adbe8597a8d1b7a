package io.servelink.payment.payment;

/** A transition the payment state machine does not allow from the payment's current status. */
public class IllegalTransitionException extends RuntimeException {

    private final PaymentStatus from;
    private final PaymentStatus to;

    IllegalTransitionException(PaymentStatus from, PaymentStatus to) {
        super("A " + from.wire() + " payment cannot become " + to.wire());
        this.from = from;
        this.to = to;
    }

    public PaymentStatus from() {
        return from;
    }

    public PaymentStatus to() {
        return to;
    }
}
