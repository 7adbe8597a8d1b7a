package io.servelink.usage.api;

import io.servelink.usage.api.AnalyticsResponses.Day;
import io.servelink.usage.api.UsageResponses.ProjectUsage;
import io.servelink.usage.api.UsageResponses.StorageMonth;
import io.servelink.usage.api.UsageResponses.TeamUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * A team's monthly usage report as PDF (Apache PDFBox): totals against limits, each project, and the daily
 * traffic. Blocking: callers run it on {@code Schedulers.boundedElastic()}.
 */
final class UsageReportPdf {

    private static final float MARGIN = 50;
    private static final float LINE = 14;
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final PDDocument document = new PDDocument();
    private final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    private final PDType1Font mono = new PDType1Font(Standard14Fonts.FontName.COURIER);
    private final PDType1Font monoBold = new PDType1Font(Standard14Fonts.FontName.COURIER_BOLD);
    private PDPageContentStream content;
    private float y;

    private UsageReportPdf() {
    }

    static byte[] render(TeamUsage usage, List<Day> days, Instant generatedAt) {
        UsageReportPdf pdf = new UsageReportPdf();
        try (PDDocument document = pdf.document) {
            pdf.write(usage, days, generatedAt);
            pdf.content.close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not render the usage report", e);
        }
    }

    private void write(TeamUsage usage, List<Day> days, Instant generatedAt) throws IOException {
        newPage();
        text(bold, 18, "Servelink usage report");
        text(regular, 11, "Team: " + usage.teamSlug() + "    Month: " + usage.month() + " (UTC)");
        text(regular, 9, "Generated " + generatedAt + ". Units: 1 GB = 1,000,000,000 bytes; 1 MB = 1,000,000 bytes.");
        y -= LINE / 2;
        text(bold, 13, "Totals");
        text(regular, 11, "Plan: " + usage.limits().plan() + (usage.limits().source().equals("default") ? " (default limits)" : ""));
        text(regular, 11, "Traffic: " + gb(usage.traffic()) + " of " + gb(usage.limits().trafficPerMonth()) + percent(usage.percent().traffic()));
        StorageMonth storage = usage.storageMonth();
        text(regular, 11, "Storage: " + gb(usage.storage()) + " of " + gb(usage.limits().storage()) + percent(usage.percent().storage())
                + freshness(storage));
        text(regular, 11, "Storage this month: peak " + gb(storage.peak()) + ", average " + gb(storage.average()) + ", "
                + storage.gbDays().toPlainString() + " GB-days");
        text(regular, 11, "Requests: " + usage.requests());
        text(regular, 8, "Storage: latest = the last measurement (limits and alerts); peak = the highest level of the month; "
                + "GB-days = each measurement");
        text(regular, 8, "held until the next one (the previous month's last from the 1st), integrated over the month so far; "
                + "average = GB-days / days of the month.");
        y -= LINE / 2;
        text(bold, 13, "Projects");
        text(monoBold, 8, String.format("%-20s %-9s %13s %13s %13s %11s  %s", "Project", "Status", "Traffic", "Storage", "Peak", "GB-days",
                "Measured"));
        for (ProjectUsage project : usage.projects()) {
            StorageMonth of = project.storageMonth();
            text(mono, 8, String.format("%-20s %-9s %13s %13s %13s %11s  %s", project.projectId(), project.status(),
                    gb(project.traffic()), gb(project.storage()), gb(of.peak()), of.gbDays().toPlainString(), time(of.measuredAt())));
            if (of.stale()) {
                text(mono, 8, "    storage STALE since " + time(of.staleSince()) + ": the last measurement is kept");
            }
        }
        y -= LINE / 2;
        text(bold, 13, "Daily traffic");
        for (Day day : days) {
            text(mono, 9, day.day() + "   " + gb(day.traffic()) + "   " + day.requests() + " requests");
        }
    }

    private static String freshness(StorageMonth storage) {
        if (storage.stale()) {
            return ", latest STALE since " + time(storage.staleSince()) + " (last measured " + time(storage.measuredAt()) + ")";
        }
        return storage.measuredAt() == null ? ", not measured yet" : ", latest measured " + time(storage.measuredAt());
    }

    private static String time(Instant at) {
        return at == null ? "never" : MINUTES.format(at);
    }

    private static String gb(DataSize size) {
        return size.gb().stripTrailingZeros().toPlainString() + " GB";
    }

    private static String percent(BigDecimal percent) {
        return percent == null ? "" : " (" + percent.toPlainString() + " %)";
    }

    private void text(PDType1Font font, float size, String line) throws IOException {
        if (y < MARGIN + LINE) {
            content.close();
            newPage();
        }
        content.beginText();
        content.setFont(font, size);
        content.newLineAtOffset(MARGIN, y);
        content.showText(line);
        content.endText();
        y -= Math.max(LINE, size + 4);
    }

    private void newPage() throws IOException {
        PDPage page = new PDPage(PDRectangle.A4);
        document.addPage(page);
        content = new PDPageContentStream(document, page);
        y = page.getMediaBox().getHeight() - MARGIN;
    }
}
