package io.servelink.payment.invoice;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Renders an invoice as a one-page A4 PDF (PDFBox; blocking, so callers run it on boundedElastic). */
final class InvoicePdf {

    private InvoicePdf() {
    }

    static byte[] render(Invoice invoice, String seller) {
        List<String> lines = new ArrayList<>();
        lines.add(seller);
        lines.add("");
        lines.add("Invoice " + invoice.number());
        lines.add("Date: " + DateTimeFormatter.ISO_LOCAL_DATE.format(invoice.issuedAt().atZone(ZoneOffset.UTC)));
        lines.add("Team: " + invoice.teamSlug());
        lines.add("Payment: " + invoice.paymentId());
        lines.add("");
        lines.add("Item: " + invoice.item());
        lines.add("Net amount: " + money(invoice.netMinor(), invoice.currency()));
        lines.add("VAT " + invoice.vatRatePercent().stripTrailingZeros().toPlainString() + " %: "
                + money(invoice.vatMinor(), invoice.currency()));
        lines.add("Total paid: " + money(invoice.totalMinor(), invoice.currency()));
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            document.getDocumentInformation().setTitle("Invoice " + invoice.number());
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.setLeading(18);
                content.newLineAtOffset(60, 770);
                for (String line : lines) {
                    content.showText(printable(line));
                    content.newLine();
                }
                content.endText();
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String money(long minor, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknown) {
            digits = 2;
        }
        return BigDecimal.valueOf(minor, digits).toPlainString() + " " + currency;
    }

    /** The standard fonts encode Latin-1 only; anything else is shown as '?'. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(c >= 0x20 && c <= 0x7e || c >= 0xa0 && c <= 0xff ? (char) c : '?'));
        return out.toString();
    }
}
