package io.servelink.payment.invoice;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Issues the invoice of a completed payment. Call {@link #issueFor} in the transaction that completes the
 * payment: the year's counter row is incremented there and stays locked until commit, so numbers are
 * sequential and a rolled-back completion gives its number back (no gaps).
 */
@Component
public class Invoices {

    private final DatabaseClient db;
    private final InvoiceSettings settings;
    private final Clock clock;

    Invoices(DatabaseClient db, InvoiceSettings settings, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
    }

    /** What is invoiced: the payment, its team, the item and the amount paid (VAT included). */
    public record InvoiceLine(UUID paymentId, String teamSlug, String item, long totalMinor, String currency) {
    }

    public Mono<Void> issueFor(InvoiceLine line) {
        Instant now = clock.instant();
        int year = now.atZone(ZoneOffset.UTC).getYear();
        InvoiceAmounts amounts = InvoiceAmounts.ofTotal(line.totalMinor(), settings.vatRatePercent());
        return nextNumber(year).flatMap(sequence -> db.sql("INSERT INTO invoices (invoice_year, sequence_number, number, "
                                + "payment_id, team_slug, item, net_minor, vat_rate_percent, vat_minor, total_minor, currency, "
                                + "issued_at) VALUES (:year, :seq, :number, :payment, :team, :item, :net, :rate, :vat, :total, "
                                + ":currency, :issued)")
                        .bind("year", year)
                        .bind("seq", sequence)
                        .bind("number", "%s-%d-%06d".formatted(settings.numberPrefix(), year, sequence))
                        .bind("payment", line.paymentId())
                        .bind("team", line.teamSlug())
                        .bind("item", line.item())
                        .bind("net", amounts.netMinor())
                        .bind("rate", amounts.vatRatePercent())
                        .bind("vat", amounts.vatMinor())
                        .bind("total", amounts.totalMinor())
                        .bind("currency", line.currency())
                        .bind("issued", now)
                        .fetch().rowsUpdated())
                .then();
    }

    private Mono<Long> nextNumber(int year) {
        return db.sql("INSERT INTO invoice_counters (invoice_year, last_number) VALUES (:year, 1) "
                        + "ON CONFLICT (invoice_year) DO UPDATE SET last_number = invoice_counters.last_number + 1 "
                        + "RETURNING last_number")
                .bind("year", year)
                .map((row, meta) -> row.get("last_number", Long.class))
                .one();
    }

    Mono<Invoice> findByPayment(UUID paymentId) {
        return db.sql("SELECT * FROM invoices WHERE payment_id = :payment")
                .bind("payment", paymentId)
                .map((row, meta) -> new Invoice(row.get("number", String.class), row.get("invoice_year", Integer.class),
                        row.get("sequence_number", Long.class), row.get("payment_id", UUID.class),
                        row.get("team_slug", String.class), row.get("item", String.class), row.get("net_minor", Long.class),
                        row.get("vat_rate_percent", BigDecimal.class), row.get("vat_minor", Long.class),
                        row.get("total_minor", Long.class), row.get("currency", String.class).strip(),
                        row.get("issued_at", Instant.class)))
                .one();
    }
}
