package io.servelink.support.notification;

import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * The usage alert e-mail in a recipient's language, from the templates {@code mail/usage-alert*.properties}
 * (English by default, French for {@code fr}). Sizes are decimal (1 GB = 10^9 bytes, as every limit), written with
 * the language's number format and units (GB, Go); the period is the month's name.
 */
final class UsageAlertMail {

    private static final String TEMPLATES = "mail/usage-alert";
    private static final BigDecimal MB = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal GB = BigDecimal.valueOf(1_000_000_000L);
    /** Only the base (English) bundle when a language has none: never the JVM's default locale. */
    private static final ResourceBundle.Control NO_DEFAULT_LOCALE = ResourceBundle.Control.getNoFallbackControl(
            ResourceBundle.Control.FORMAT_PROPERTIES);

    private UsageAlertMail() {
    }

    static PlatformEventNotifications.Letter render(UsageThresholdCrossed alert, Locale language) {
        ResourceBundle text = ResourceBundle.getBundle(TEMPLATES, language, NO_DEFAULT_LOCALE);
        // numbers and month names in the language the text is written in: English for a language without templates
        Locale written = text.getLocale().getLanguage().isEmpty() ? Locale.ENGLISH : text.getLocale();
        Map<String, String> values = Map.of(
                "metric", text.getString("metric." + alert.metric().wire().toLowerCase(Locale.ROOT)),
                "threshold", Integer.toString(alert.thresholdPercent()),
                "team", alert.teamSlug(),
                "project", alert.projectId() == null ? "" : alert.projectId(),
                "usage", size(alert.usageBytes(), text, written),
                "limit", size(alert.limitBytes(), text, written),
                "period", month(alert.period(), written));
        String body = text.getString("greeting") + "\n\n"
                + fill(text.getString(alert.projectId() == null ? "body.team" : "body.project"), values) + "\n"
                + (alert.thresholdPercent() >= 100 ? text.getString("reached") + "\n" : "")
                + text.getString("advice") + "\n\n" + text.getString("signature");
        return new PlatformEventNotifications.Letter(fill(text.getString("subject"), values), body);
    }

    private static String size(long bytes, ResourceBundle text, Locale language) {
        boolean gigabytes = bytes >= GB.longValue();
        NumberFormat format = NumberFormat.getNumberInstance(language);
        format.setMaximumFractionDigits(2);
        BigDecimal value = BigDecimal.valueOf(bytes).divide(gigabytes ? GB : MB, 2, RoundingMode.HALF_UP);
        return format.format(value) + " " + text.getString(gigabytes ? "unit.gb" : "unit.mb");
    }

    private static String month(String period, Locale language) {
        try {
            return YearMonth.parse(period).format(DateTimeFormatter.ofPattern("LLLL yyyy", language));
        } catch (DateTimeParseException | NullPointerException e) {
            return String.valueOf(period);
        }
    }

    private static String fill(String template, Map<String, String> values) {
        String filled = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace("{" + value.getKey() + "}", value.getValue());
        }
        return filled;
    }
}
