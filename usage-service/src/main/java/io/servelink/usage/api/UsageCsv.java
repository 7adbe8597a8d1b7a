package io.servelink.usage.api;

import io.servelink.usage.api.AnalyticsQueries.ProjectDay;
import io.servelink.usage.api.UsageResponses.ProjectUsage;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The month's usage as CSV (RFC 4180, UTF-8, CRLF): a header row, then one row per project and day, every day
 * of the month, zeros included; ordered by day, then project. Byte counts are exact integers.
 */
final class UsageCsv {

    static final String HEADER = "day,project_id,traffic_bytes,request_bytes,response_bytes,requests";

    private UsageCsv() {
    }

    static String render(YearMonth month, List<ProjectUsage> projects, List<ProjectDay> days) {
        Map<String, ProjectDay> byKey = new HashMap<>();
        days.forEach(day -> byKey.put(day.projectId() + "|" + day.day(), day));
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (LocalDate day = month.atDay(1); !day.isAfter(month.atEndOfMonth()); day = day.plusDays(1)) {
            for (ProjectUsage project : projects) {
                ProjectDay found = byKey.get(project.projectId() + "|" + day);
                csv.append(day).append(',').append(quoted(project.projectId())).append(',')
                        .append(found == null ? 0 : found.trafficBytes()).append(',')
                        .append(found == null ? 0 : found.requestBytes()).append(',')
                        .append(found == null ? 0 : found.responseBytes()).append(',')
                        .append(found == null ? 0 : found.requests()).append("\r\n");
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
