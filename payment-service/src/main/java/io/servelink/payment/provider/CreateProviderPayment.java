package io.servelink.payment.provider;

import java.util.Map;

/** The body of the provider's create call. */
public record CreateProviderPayment(long amountMinor, String currency, String method, String payerPhone,
                                    String description, String callbackUrl, String returnUrl,
                                    Map<String, String> metadata) {
}
