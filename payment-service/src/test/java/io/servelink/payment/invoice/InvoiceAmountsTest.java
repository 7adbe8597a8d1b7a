package io.servelink.payment.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class InvoiceAmountsTest {

    @Test
    void withoutVatTheNetIsThePaidTotal() {
        assertThat(InvoiceAmounts.ofTotal(900, BigDecimal.ZERO)).isEqualTo(new InvoiceAmounts(900, 0, 900, BigDecimal.ZERO));
    }

    @Test
    void vatIsIncludedInThePaidTotalAndNetPlusVatIsAlwaysTheTotal() {
        InvoiceAmounts nineteen = InvoiceAmounts.ofTotal(119, new BigDecimal("19"));
        assertThat(nineteen.netMinor()).isEqualTo(100);
        assertThat(nineteen.vatMinor()).isEqualTo(19);

        for (long total = 1; total < 2_000; total += 7) {
            InvoiceAmounts amounts = InvoiceAmounts.ofTotal(total, new BigDecimal("19.25"));
            assertThat(amounts.netMinor() + amounts.vatMinor()).isEqualTo(total);
        }
    }

    @Test
    void printsMinorUnitsWithTheCurrencysDecimals() {
        assertThat(InvoicePdf.money(900, "EUR")).isEqualTo("9.00 EUR");
        assertThat(InvoicePdf.money(5000, "XAF")).isEqualTo("5000 XAF");
    }
}
