package io.servelink.payment.provider;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code servelink.payment.providers.*}: which adapter serves which payment method and currency, and each adapter's
 * connection and secrets. With no route, every payment goes to the generic contract ({@code servelink.payment.provider.*}).
 * Time limits, retries and breakers are the adapters' Resilience4j instances ({@code fedapay}, {@code stripe}).
 *
 * @param routes  tried in order; the first whose method (and currency, when it names one) matches the payment chooses
 *                the adapter
 * @param fedapay FedaPay (Mobile Money in XOF)
 * @param stripe  Stripe PaymentIntents (cards)
 */
@Validated
@ConfigurationProperties("servelink.payment.providers")
public record ProvidersSettings(@DefaultValue({}) List<@Valid Route> routes, @DefaultValue @Valid FedaPay fedapay,
                                @DefaultValue @Valid Stripe stripe) {

    /**
     * @param method   {@code mobile_money} or {@code credit_card}
     * @param currency ISO 4217 code, or empty for any currency (a currency the adapter does not take is then refused)
     * @param provider {@code generic}, {@code fedapay} or {@code stripe}
     */
    public record Route(@NotBlank String method, String currency, @NotBlank String provider) {

        boolean matches(String paymentMethod, String paymentCurrency) {
            return method.equals(paymentMethod) && (currency == null || currency.isBlank() || currency.equalsIgnoreCase(paymentCurrency));
        }
    }

    /**
     * @param enabled          whether the adapter is built (its secrets are then required)
     * @param baseUrl          {@code https://api.fedapay.com} (live) or {@code https://sandbox-api.fedapay.com}
     * @param apiKey           secret API key ({@code sk_...}), sent as a bearer token (env {@code FEDAPAY_API_KEY})
     * @param webhookSecret    the webhook endpoint's signing secret ({@code wh_...}; env {@code FEDAPAY_WEBHOOK_SECRET})
     * @param webhookTolerance how far {@code t} of {@code X-FEDAPAY-SIGNATURE} may be from our clock
     * @param defaultMode      the Mobile Money mode the prompt is sent with when no {@code modes} prefix matches the phone
     * @param modes            operator networks by phone prefix (longest prefix wins), e.g. {@code +22997 → mtn_open}
     * @param retryAfter       what a 503 tells the caller to wait when FedaPay is unavailable
     * @param maxRetryAfter    the longest {@code Retry-After} of a 429 waited for before the next attempt
     */
    public record FedaPay(@DefaultValue("false") boolean enabled, @DefaultValue("https://api.fedapay.com") URI baseUrl,
                          @DefaultValue("") String apiKey, @DefaultValue("") String webhookSecret,
                          @DefaultValue("5m") Duration webhookTolerance, @DefaultValue("mtn_open") String defaultMode,
                          @DefaultValue({}) List<@Valid Mode> modes,
                          @DefaultValue("2s") Duration connectTimeout, @DefaultValue("5s") Duration responseTimeout,
                          @DefaultValue("30s") Duration retryAfter, @DefaultValue("5s") Duration maxRetryAfter) {

        /** The mode of a payer's phone: the longest matching prefix's, else {@link #defaultMode}. */
        String modeFor(String phone) {
            String best = null;
            int length = -1;
            for (Mode mode : modes) {
                if (phone != null && phone.startsWith(mode.prefix()) && mode.prefix().length() > length) {
                    best = mode.mode();
                    length = mode.prefix().length();
                }
            }
            return best != null ? best : defaultMode;
        }
    }

    /** @param prefix E.164 prefix of an operator's numbers ({@code +22997}); @param mode FedaPay's mode ({@code mtn_open}) */
    public record Mode(@NotBlank String prefix, @NotBlank String mode) {
    }

    /**
     * @param enabled          whether the adapter is built (its secrets are then required)
     * @param baseUrl          {@code https://api.stripe.com}
     * @param secretKey        secret key ({@code sk_live_...}), sent as a bearer token (env {@code STRIPE_SECRET_KEY})
     * @param webhookSecret    the webhook endpoint's signing secret ({@code whsec_...}; env {@code STRIPE_WEBHOOK_SECRET})
     * @param webhookTolerance how far {@code t} of {@code Stripe-Signature} may be from our clock
     * @param currencies       the currencies this account charges cards in
     */
    public record Stripe(@DefaultValue("false") boolean enabled, @DefaultValue("https://api.stripe.com") URI baseUrl,
                         @DefaultValue("") String secretKey, @DefaultValue("") String webhookSecret,
                         @DefaultValue("5m") Duration webhookTolerance, @DefaultValue("EUR") List<String> currencies,
                         @DefaultValue("2s") Duration connectTimeout, @DefaultValue("5s") Duration responseTimeout,
                         @DefaultValue("30s") Duration retryAfter, @DefaultValue("5s") Duration maxRetryAfter) {
    }
}
