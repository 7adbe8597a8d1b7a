package io.servelink.resources.paymentclient;

import java.util.Map;

/**
 * payment-service's answer to an initiate: the payment's id and status, and what the payer does next (a redirect
 * URL, or a push/USSD instruction), relayed as payment-service wrote it.
 */
public record PaymentStarted(String paymentId, String status, Map<String, Object> nextAction) {
}
