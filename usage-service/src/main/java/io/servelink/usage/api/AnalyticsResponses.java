package io.servelink.usage.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Response bodies of the analytics endpoints (snake_case on the wire, sizes in bytes, MB and GB = 10^9 bytes). */
final class AnalyticsResponses {

    private AnalyticsResponses() {
    }

    /** Every day of the month, days without traffic included as zeros. */
    record DailySeries(String teamSlug, String month, DataSize traffic, long requests, List<Day> days) {
    }

    record Day(LocalDate day, DataSize traffic, long requests) {
    }

    /** Monthly totals, oldest first, the current month last; months without usage as zeros. */
    record Trend(String teamSlug, List<MonthPoint> months) {
    }

    record MonthPoint(String month, DataSize traffic, DataSize storage, long requests) {
    }

    /** Month-end projections of the current UTC month; the method of each is named in {@code method}. */
    record Forecast(String teamSlug, String month, Instant asOf, MetricForecast traffic, MetricForecast storage) {
    }

    /**
     * @param current          month-to-date traffic, or the latest storage level
     * @param projectedPercent the projection in percent of the limit (null when the limit is 0)
     */
    record MetricForecast(String method, DataSize current, DataSize projected, DataSize limit, BigDecimal projectedPercent,
                          boolean exceedsLimit) {
    }

    /** The team's projects side by side, largest traffic first, with their shares of the team's totals. */
    record Comparison(String teamSlug, String month, DataSize traffic, DataSize storage, long requests, List<ProjectShare> projects) {
    }

    record ProjectShare(String projectId, String status, DataSize traffic, BigDecimal trafficSharePercent, DataSize storage,
                        BigDecimal storageSharePercent, long requests) {
    }

    /** {@code part} in percent of {@code whole}, 2 decimals; 0 when the whole is 0. */
    static BigDecimal share(long part, long whole) {
        if (whole <= 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return BigDecimal.valueOf(part).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
    }
}
