package io.servelink.usage.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.SortedMap;

/**
 * Month-end projections.
 * <ul>
 * <li>Traffic accumulates: the month-to-date total grows at the month-to-date rate until the month ends,
 * {@code projected = mtd * monthLength / elapsed} (times in seconds since the month's start, UTC). Before any
 * time has elapsed the projection is the month-to-date total.</li>
 * <li>Storage is a level: an ordinary least-squares line through the month's daily levels (day of month, bytes),
 * read at the month's last day, never below 0. With fewer than two days measured, the latest level.</li>
 * </ul>
 */
final class Forecasts {

    private Forecasts() {
    }

    static long trafficAtMonthEnd(long monthToDate, Instant now, YearMonth month) {
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (!now.isBefore(end)) {
            return monthToDate;
        }
        long elapsed = Duration.between(start, now).toSeconds();
        if (elapsed <= 0) {
            return monthToDate;
        }
        long length = Duration.between(start, end).toSeconds();
        return java.math.BigInteger.valueOf(monthToDate).multiply(java.math.BigInteger.valueOf(length))
                .divide(java.math.BigInteger.valueOf(elapsed)).longValueExact();
    }

    static long storageAtMonthEnd(SortedMap<LocalDate, Long> dailyLevels, YearMonth month) {
        if (dailyLevels.isEmpty()) {
            return 0;
        }
        if (dailyLevels.size() < 2) {
            return dailyLevels.get(dailyLevels.lastKey());
        }
        int n = dailyLevels.size();
        double meanX = dailyLevels.keySet().stream().mapToInt(LocalDate::getDayOfMonth).average().orElseThrow();
        double meanY = dailyLevels.values().stream().mapToLong(Long::longValue).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (var entry : dailyLevels.entrySet()) {
            double dx = entry.getKey().getDayOfMonth() - meanX;
            covariance += dx * (entry.getValue() - meanY);
            variance += dx * dx;
        }
        double slope = variance == 0 ? 0 : covariance / variance;
        double atEnd = meanY + slope * (month.lengthOfMonth() - meanX);
        return Math.max(0, Math.round(atEnd));
    }
}
