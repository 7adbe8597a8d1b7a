package io.servelink.usage.api;

import io.servelink.usage.api.AnalyticsQueries.ProjectDay;
import io.servelink.usage.api.UsageQueries.ProjectMonth;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The month's usage as CSV (RFC 4180, UTF-8, CRLF): a header row, then one row per project and day, every day
 * of the month, zeros included; ordered by day, then project. Byte counts are exact integers.
 * <p>
 * Storage per row: {@code storage_bytes} the level at the day's last second (the measurement then in effect), and
 * {@code storage_byte_seconds} the day's share of the month's integral, exact, so the column sums to the month's
 * {@code storage_month.byte_seconds} (divide by 86,400,000,000,000 for GB-days). Both are empty for a day not begun
 * yet; for the current day they run to now.
 */
final class UsageCsv {

    static final String HEADER = "day,project_id,traffic_bytes,request_bytes,response_bytes,requests,storage_bytes,storage_byte_seconds";

    private static final long DAY = 86_400;

    private UsageCsv() {
    }

    static String render(YearMonth month, List<ProjectMonth> projects, List<ProjectDay> days) {
        Map<String, ProjectDay> byKey = new HashMap<>();
        days.forEach(day -> byKey.put(day.projectId() + "|" + day.day(), day));
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (LocalDate day = month.atDay(1); !day.isAfter(month.atEndOfMonth()); day = day.plusDays(1)) {
            long dayStart = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            for (ProjectMonth project : projects) {
                String id = project.usage().projectId();
                ProjectDay found = byKey.get(id + "|" + day);
                csv.append(day).append(',').append(quoted(id)).append(',')
                        .append(found == null ? 0 : found.trafficBytes()).append(',')
                        .append(found == null ? 0 : found.requestBytes()).append(',')
                        .append(found == null ? 0 : found.responseBytes()).append(',')
                        .append(found == null ? 0 : found.requests()).append(',');
                StorageSeries series = project.series();
                if (series.reached(dayStart)) {
                    csv.append(series.at(Math.min(dayStart + DAY - 1, series.end()))).append(',')
                            .append(series.byteSeconds(dayStart, dayStart + DAY));
                } else {
                    csv.append(',');
                }
                csv.append("\r\n");
            }
        }
        return csv.toString();
    }

    private static String quoted(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
