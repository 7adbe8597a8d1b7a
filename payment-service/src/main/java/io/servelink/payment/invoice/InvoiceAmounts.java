package io.servelink.payment.invoice;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The VAT split of a paid amount. The quoted price is what the payer paid, VAT included, so the net part is
 * {@code total / (1 + rate)} rounded half-up to the minor unit and the VAT line is the rest: net + VAT is
 * always exactly the paid total.
 */
record InvoiceAmounts(long netMinor, long vatMinor, long totalMinor, BigDecimal vatRatePercent) {

    static InvoiceAmounts ofTotal(long totalMinor, BigDecimal vatRatePercent) {
        BigDecimal divisor = BigDecimal.ONE.add(vatRatePercent.movePointLeft(2));
        long net = BigDecimal.valueOf(totalMinor).divide(divisor, 0, RoundingMode.HALF_UP).longValueExact();
        return new InvoiceAmounts(net, totalMinor - net, totalMinor, vatRatePercent);
    }
}
