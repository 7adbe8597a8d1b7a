package io.servelink.usage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The month's storage step function at its edges: carry-in, replacement at the first second, removal, running month. */
class StorageSeriesTest {

    private static final YearMonth NOVEMBER = YearMonth.of(2030, 11);
    private static final long START = StorageSeries.monthStart(NOVEMBER);
    private static final long DAY = 86_400;
    private static final long GB = 1_000_000_000L;
    private static final Instant AFTER = Instant.parse("2031-01-01T00:00:00Z");

    @Test
    void theLastMeasurementBeforeTheMonthHoldsFromItsFirstSecond() {
        StorageSeries series = new StorageSeries(List.of(level(START - 10 * DAY, 2 * GB)), NOVEMBER, AFTER, null);

        assertThat(series.byteSeconds()).isEqualTo(BigInteger.valueOf(2 * GB * 30 * DAY));
        assertThat(series.peak()).isEqualTo(2 * GB);
        assertThat(series.measuredAt()).isEqualTo(Instant.ofEpochSecond(START - 10 * DAY));
    }

    @Test
    void aMeasurementAtTheMonthsFirstSecondReplacesTheCarriedOneWithoutPeaking() {
        StorageSeries series = new StorageSeries(List.of(level(START - DAY, 9 * GB), level(START, GB)), NOVEMBER, AFTER, null);

        assertThat(series.peak()).isEqualTo(GB);
        assertThat(series.byteSeconds()).isEqualTo(BigInteger.valueOf(GB * 30 * DAY));
    }

    @Test
    void aRunningMonthCountsUpToNowOnly() {
        Instant now = Instant.ofEpochSecond(START + 2 * DAY);
        StorageSeries series = new StorageSeries(List.of(level(START + DAY, 3 * GB)), NOVEMBER, now, null);

        assertThat(series.byteSeconds()).isEqualTo(BigInteger.valueOf(3 * GB * DAY));
        assertThat(series.reached(START + 2 * DAY - 1)).isTrue();
        assertThat(series.reached(START + 2 * DAY)).isFalse();
    }

    @Test
    void aRemovedProjectHoldsNothingAfterItsRemoval() {
        Instant removed = Instant.ofEpochSecond(START + 5 * DAY);
        StorageSeries series = new StorageSeries(List.of(level(START, 4 * GB)), NOVEMBER, AFTER, removed);

        assertThat(series.byteSeconds()).isEqualTo(BigInteger.valueOf(4 * GB * 5 * DAY));
        assertThat(series.at(START + 6 * DAY)).isZero();
    }

    @Test
    void aMonthNotBegunHasNothing() {
        StorageSeries series = new StorageSeries(List.of(level(START - DAY, GB)), NOVEMBER, Instant.ofEpochSecond(START - 1), null);

        assertThat(series.byteSeconds()).isEqualTo(BigInteger.ZERO);
        assertThat(series.peak()).isZero();
    }

    @Test
    void aTeamsPeakIsTheHighestSumAtOneTimeNotTheSumOfPeaks() {
        StorageSeries a = new StorageSeries(List.of(level(START, 5 * GB), level(START + DAY, GB)), NOVEMBER, AFTER, null);
        StorageSeries b = new StorageSeries(List.of(level(START, GB), level(START + DAY, 5 * GB)), NOVEMBER, AFTER, null);

        assertThat(StorageSeries.peakOfSum(List.of(a, b))).isEqualTo(6 * GB);
        assertThat(a.peak() + b.peak()).isEqualTo(10 * GB);
    }

    @Test
    void gbDaysAndTheAverageAreRoundedHalfUpFromExactByteSeconds() {
        UsageResponses.StorageMonth month = UsageResponses.StorageMonth.of(NOVEMBER, GB, GB, BigInteger.valueOf(GB * DAY + 500_000L * DAY),
                null, null);

        assertThat(month.gbDays()).isEqualByComparingTo("1.000500");
        assertThat(month.average().bytes()).isEqualTo(33_350_000L);
        assertThat(month.stale()).isFalse();
    }

    private static StorageSeries.Level level(long at, long bytes) {
        return new StorageSeries.Level(at, bytes);
    }
}
