package io.servelink.payment.provider;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the payer does next: {@code redirect} (open {@code url}), {@code push} (confirm on the phone), {@code ussd}
 * (dial the code in {@code instruction}) or {@code stripe_sdk} (the dashboard confirms the card payment with Stripe.js
 * and {@code client_secret}, which also handles 3-D Secure).
 */
public record NextAction(String type, String url, String instruction,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String clientSecret) {

    public NextAction(String type, String url, String instruction) {
        this(type, url, instruction, null);
    }
}
