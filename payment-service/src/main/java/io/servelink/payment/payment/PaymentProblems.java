package io.servelink.payment.payment;

import io.servelink.starter.ApiProblem;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** Problems specific to payments, with stable type URIs. */
final class PaymentProblems {

    /** 401: the payment is large enough to need a recent login; the frontend re-authenticates and retries. */
    static final URI REAUTHENTICATION_REQUIRED = URI.create("https://problems.servelink.io/reauthentication-required");
    /** 502: the provider refused the payment (the payment is failed). */
    static final URI PROVIDER_REFUSED = URI.create("https://problems.servelink.io/provider-refused");

    /** 502: the provider's answer to the create does not match the request (the payment is failed). */
    static final URI PROVIDER_ANSWER_INVALID = URI.create("https://problems.servelink.io/provider-answer-invalid");

    private PaymentProblems() {
    }

    static ApiProblem reauthenticate(Duration maxAge) {
        ApiProblem problem = new ApiProblem(HttpStatus.UNAUTHORIZED, REAUTHENTICATION_REQUIRED, "Fresh login required",
                "Payments of this size need a login within the last " + maxAge.toMinutes() + " minutes; sign in again");
        problem.getBody().setProperty("max_auth_age_seconds", maxAge.toSeconds());
        return problem;
    }

    static ApiProblem providerRefused(UUID paymentId) {
        ApiProblem problem = new ApiProblem(HttpStatus.BAD_GATEWAY, PROVIDER_REFUSED, "Payment refused by the provider",
                "The payment provider refused this payment; it is marked failed");
        problem.getBody().setProperty("payment_id", paymentId.toString());
        return problem;
    }

    static ApiProblem providerAnswerInvalid(UUID paymentId) {
        ApiProblem problem = new ApiProblem(HttpStatus.BAD_GATEWAY, PROVIDER_ANSWER_INVALID, "Unusable answer from the provider",
                "The payment provider answered with a payment that does not match this one; it was cancelled there as far "
                        + "as possible and is marked failed. Nothing should be paid for it; try again later");
        problem.getBody().setProperty("payment_id", paymentId.toString());
        return problem;
    }

    static ApiProblem providerUnavailable(UUID paymentId, boolean settledLater, Duration retryAfter) {
        ApiProblem problem = ApiProblem.unavailable(settledLater
                ? "The payment provider did not answer in time; the payment stays pending and is settled with the provider "
                        + "shortly - follow its status"
                : "The payment provider is unavailable; nothing was charged, try again later", retryAfter);
        if (paymentId != null) {
            problem.getBody().setProperty("payment_id", paymentId.toString());
        }
        return problem;
    }
}
