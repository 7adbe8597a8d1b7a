package io.servelink.payment.provider;

/**
 * What the payer does next: {@code redirect} (open {@code url}), {@code push} (confirm on the phone) or
 * {@code ussd} (dial the code in {@code instruction}).
 */
public record NextAction(String type, String url, String instruction) {
}
