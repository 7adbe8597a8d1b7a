package io.servelink.payment.invoice;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code servelink.payment.invoice.*}.
 *
 * @param vatRatePercent VAT included in the paid amount, in percent (0 by default)
 * @param numberPrefix   the invoice number reads {@code <prefix>-<year>-<sequence>}
 * @param seller         the seller block printed at the top of every invoice
 */
@Validated
@ConfigurationProperties("servelink.payment.invoice")
public record InvoiceSettings(@DefaultValue("0") @DecimalMin("0") @DecimalMax("100") BigDecimal vatRatePercent,
                              @DefaultValue("SL") String numberPrefix,
                              @DefaultValue("Servelink") String seller) {
}
