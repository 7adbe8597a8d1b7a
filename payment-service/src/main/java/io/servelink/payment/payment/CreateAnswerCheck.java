package io.servelink.payment.payment;

import io.servelink.payment.provider.NextAction;
import io.servelink.payment.provider.ProviderPayment;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the provider's answer to a create against what was asked (docs/PAYMENT_BACKEND_SPEC.md, "Create a payment"):
 * an id, the same amount and currency, our payment id in the metadata when echoed, a known status and, while the
 * payment is open, a next action of a known type with what that type needs. An answer that fails any of these is not
 * a payment the payer should be asked to pay.
 */
final class CreateAnswerCheck {

    static final Set<String> NEXT_ACTION_TYPES = Set.of("redirect", "push", "ussd", "stripe_sdk");

    private CreateAnswerCheck() {
    }

    /** What is wrong with the answer, or empty when it can be used. */
    static Optional<String> violation(Payment asked, ProviderPayment answer) {
        if (answer.id() == null || answer.id().isBlank() || answer.id().length() > 100) {
            return Optional.of("no usable id");
        }
        if (answer.amountMinor() == null || answer.amountMinor() != asked.amountMinor()) {
            return Optional.of("amount_minor " + answer.amountMinor() + " instead of " + asked.amountMinor());
        }
        if (answer.currency() == null || !answer.currency().equals(asked.currency())) {
            return Optional.of("currency " + answer.currency() + " instead of " + asked.currency());
        }
        String echoed = answer.metadata() == null ? null : answer.metadata().get("payment_id");
        if (echoed != null && !echoed.equals(asked.id().toString())) {
            return Optional.of("metadata.payment_id " + echoed + " is another payment's");
        }
        Optional<PaymentStatus> status = PaymentStatus.fromWire(answer.status());
        if (status.isEmpty()) {
            return Optional.of("unknown status " + answer.status());
        }
        return status.get().isOpen() ? nextActionViolation(answer.nextAction()) : Optional.empty();
    }

    private static Optional<String> nextActionViolation(NextAction next) {
        if (next == null || next.type() == null) {
            return Optional.of("no next_action for an open payment");
        }
        if (!NEXT_ACTION_TYPES.contains(next.type())) {
            return Optional.of("unknown next_action type " + next.type());
        }
        if ("redirect".equals(next.type())) {
            boolean web = next.url() != null && (next.url().startsWith("https://") || next.url().startsWith("http://"));
            return web ? Optional.empty() : Optional.of("a redirect without an http(s) url");
        }
        if ("stripe_sdk".equals(next.type())) {
            return next.clientSecret() == null || next.clientSecret().isBlank()
                    ? Optional.of("a stripe_sdk action without a client_secret") : Optional.empty();
        }
        return next.instruction() == null || next.instruction().isBlank()
                ? Optional.of("a " + next.type() + " without an instruction") : Optional.empty();
    }
}
