package io.servelink.usage.api;

import io.servelink.starter.ApiProblem;
import java.time.Clock;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** The {@code month} query parameter: YYYY-MM between 2000 and 2999, the current UTC month when absent. */
final class Months {

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");

    private Months() {
    }

    static YearMonth parse(String month, Clock clock) {
        if (month == null || month.isBlank()) {
            return YearMonth.now(clock);
        }
        try {
            YearMonth parsed = MONTH.matcher(month).matches() ? YearMonth.parse(month) : null;
            if (parsed != null && parsed.getYear() >= 2000 && parsed.getYear() <= 2999) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // reported below with the parameter's name
        }
        throw ApiProblem.invalid("month", "must be a month as YYYY-MM, e.g. 2026-11");
    }
}
