package io.servelink.resources.paymentclient;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * payment-service refused the payment with a 4xx problem (a bad phone number, a fresh login needed...). It is
 * relayed to the caller as it came; the circuit breaker ignores it (payment-service is healthy).
 */
public class PaymentRejected extends ErrorResponseException {

    public PaymentRejected(HttpStatusCode status, ProblemDetail problem) {
        super(status, problem, null);
    }
}
