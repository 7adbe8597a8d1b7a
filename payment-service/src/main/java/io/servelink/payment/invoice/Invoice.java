package io.servelink.payment.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** An issued invoice: numbered gap-free per year, one per completed payment. */
record Invoice(String number, int year, long sequenceNumber, UUID paymentId, String teamSlug, String item,
               long netMinor, BigDecimal vatRatePercent, long vatMinor, long totalMinor, String currency,
               Instant issuedAt) {
}
