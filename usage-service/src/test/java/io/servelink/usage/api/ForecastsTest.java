package io.servelink.usage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ForecastsTest {

    private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
    private static final long GB = 1_000_000_000L;

    @Test
    void projectsTrafficAtTheMonthToDateRate() {
        // 15 GB in the first 15 of 30 days: 30 GB at the end
        assertThat(Forecasts.trafficAtMonthEnd(15 * GB, Instant.parse("2026-11-16T00:00:00Z"), NOVEMBER)).isEqualTo(30 * GB);
        // 1 GB in the first 6 hours: 120 quarter-days
        assertThat(Forecasts.trafficAtMonthEnd(GB, Instant.parse("2026-11-01T06:00:00Z"), NOVEMBER)).isEqualTo(120 * GB);
    }

    @Test
    void keepsTrafficAsItIsAtTheMonthsStartAndAfterItsEnd() {
        assertThat(Forecasts.trafficAtMonthEnd(7, Instant.parse("2026-11-01T00:00:00Z"), NOVEMBER)).isEqualTo(7);
        assertThat(Forecasts.trafficAtMonthEnd(7, Instant.parse("2026-12-03T00:00:00Z"), NOVEMBER)).isEqualTo(7);
    }

    @Test
    void projectsStorageAlongTheLeastSquaresLine() {
        TreeMap<LocalDate, Long> levels = new TreeMap<>();
        levels.put(LocalDate.of(2026, 11, 1), GB);
        levels.put(LocalDate.of(2026, 11, 2), 2 * GB);
        levels.put(LocalDate.of(2026, 11, 3), 3 * GB);
        assertThat(Forecasts.storageAtMonthEnd(levels, NOVEMBER)).isEqualTo(30 * GB);

        // 4, 6, 6, 4 GB: the fitted line is flat at 5 GB
        TreeMap<LocalDate, Long> flat = new TreeMap<>();
        flat.put(LocalDate.of(2026, 11, 1), 4 * GB);
        flat.put(LocalDate.of(2026, 11, 2), 6 * GB);
        flat.put(LocalDate.of(2026, 11, 3), 6 * GB);
        flat.put(LocalDate.of(2026, 11, 4), 4 * GB);
        assertThat(Forecasts.storageAtMonthEnd(flat, NOVEMBER)).isEqualTo(5 * GB);

        // 4, 6, 4, 6, 5 GB: slope 0.2 GB a day through (3, 5 GB), so 10.4 GB on the 30th
        flat.put(LocalDate.of(2026, 11, 3), 4 * GB);
        flat.put(LocalDate.of(2026, 11, 4), 6 * GB);
        flat.put(LocalDate.of(2026, 11, 5), 5 * GB);
        assertThat(Forecasts.storageAtMonthEnd(flat, NOVEMBER)).isEqualTo(10_400_000_000L);
    }

    @Test
    void neverProjectsStorageBelowZeroAndKeepsASingleLevel() {
        TreeMap<LocalDate, Long> falling = new TreeMap<>();
        falling.put(LocalDate.of(2026, 11, 1), 3 * GB);
        falling.put(LocalDate.of(2026, 11, 2), GB);
        assertThat(Forecasts.storageAtMonthEnd(falling, NOVEMBER)).isZero();

        TreeMap<LocalDate, Long> single = new TreeMap<>();
        single.put(LocalDate.of(2026, 11, 9), 4 * GB);
        assertThat(Forecasts.storageAtMonthEnd(single, NOVEMBER)).isEqualTo(4 * GB);
    }
}
