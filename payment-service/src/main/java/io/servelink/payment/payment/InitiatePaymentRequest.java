package io.servelink.payment.payment;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/payments/{team_slug}/initiate}. The price is quoted by the catalog; a body that carries an
 * amount or a currency is refused rather than silently ignored, so a client never believes it set a price.
 */
record InitiatePaymentRequest(
        @NotBlank @Pattern(regexp = "plan_upgrade|addon|renewal", message = "must be plan_upgrade, addon or renewal")
        String purpose,
        @NotBlank @Size(max = 200) @Pattern(regexp = "[\\p{Graph}]+", message = "must be printable without spaces")
        String reference,
        @NotBlank @Pattern(regexp = "mobile_money|credit_card", message = "must be mobile_money or credit_card")
        String paymentMethod,
        @Pattern(regexp = "\\+[1-9][0-9]{7,14}", message = "must be an E.164 number such as +237670000001")
        @Schema(maxLength = 16) String phone,
        @Null(message = "must not be sent: the price comes from the catalog") Object amountMinor,
        @Null(message = "must not be sent: the price comes from the catalog") Object amount,
        @Null(message = "must not be sent: the currency comes from the catalog") Object currency) {
}
