package io.servelink.resources.addon;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /purchase}. No price: prices come from the catalog.
 *
 * @param paymentMethod {@code mobile_money} (needs {@code phone}) or {@code credit_card}
 */
record PurchaseRequest(
        @NotBlank @Size(max = 20) String resourceType,
        @NotNull @Min(1) @Max(10) Integer quantity,
        @NotBlank @Pattern(regexp = "mobile_money|credit_card", message = "must be mobile_money or credit_card") String paymentMethod,
        @Size(max = 30) @Pattern(regexp = "\\+?[0-9 ]{6,20}", message = "must be a phone number") String phone) {
}
