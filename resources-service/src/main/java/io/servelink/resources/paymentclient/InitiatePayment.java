package io.servelink.resources.paymentclient;

/**
 * The body of payment-service's {@code POST /api/payments/{team_slug}/initiate}. No amount: payment-service asks
 * resources-service's quote endpoint for it.
 *
 * @param purpose   {@code plan_upgrade}, {@code addon} or {@code renewal}
 * @param reference {@code plan:pro} or {@code addon:<add-on id>}
 */
public record InitiatePayment(String purpose, String reference, String paymentMethod, String phone) {
}
