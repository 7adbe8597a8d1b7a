package io.servelink.usage.api;

import java.math.BigInteger;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeSet;

/**
 * One project's storage over a month as a step function: each measurement holds from its time until the next one; the
 * last measurement before the month holds from the month's first instant; the last one holds until {@code end} (now
 * in the current month, the month's end in a past one, or the project's removal, after which it holds 0). Before the
 * first measurement the level is 0. Times are whole UTC seconds (measurement times are truncated), so integrals are
 * exact integers in byte-seconds.
 */
final class StorageSeries {

    /** One measurement: its total bytes from {@code at} (epoch second) on. */
    record Level(long at, long bytes) {
    }

    private final List<Level> levels;
    private final long start;
    private final long end;
    private final long until;
    private final Long removedAt;

    /**
     * @param levels    the project's measurements, oldest first: at most one before the month, then the month's
     * @param removedAt when the project was removed (its level is 0 from then on), or null
     */
    StorageSeries(List<Level> levels, YearMonth month, Instant now, Instant removedAt) {
        this.levels = List.copyOf(levels);
        this.start = monthStart(month);
        this.until = Math.min(monthStart(month.plusMonths(1)), now.getEpochSecond());
        this.removedAt = removedAt == null ? null : removedAt.getEpochSecond();
        this.end = this.removedAt == null ? until : Math.min(until, this.removedAt);
    }

    static StorageSeries none(YearMonth month, Instant now) {
        return new StorageSeries(List.of(), month, now, null);
    }

    static long monthStart(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /** The month's first second, and the last second the series is known to (now, the month's end or the removal). */
    long start() {
        return start;
    }

    long end() {
        return end;
    }

    /** Whether the second {@code t} has come: it is before now (and in the month). */
    boolean reached(long t) {
        return t < until;
    }

    /** The level in effect at {@code t} (epoch second): the last measurement at or before it; 0 once removed. */
    long at(long t) {
        if (removedAt != null && t >= removedAt) {
            return 0;
        }
        long level = 0;
        for (Level l : levels) {
            if (l.at() > t) {
                break;
            }
            level = l.bytes();
        }
        return level;
    }

    /** When the measurement in effect at the series' end was taken, or null when none was. */
    Instant measuredAt() {
        Instant found = null;
        for (Level l : levels) {
            if (l.at() <= end) {
                found = Instant.ofEpochSecond(l.at());
            }
        }
        return found;
    }

    /** The integral of the level over [from, to) clipped to the month up to {@code end}, in byte-seconds. */
    BigInteger byteSeconds(long from, long to) {
        long a = Math.max(from, start);
        long b = Math.min(to, end);
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < levels.size(); i++) {
            long segmentStart = Math.max(levels.get(i).at(), a);
            long segmentEnd = i + 1 < levels.size() ? Math.min(levels.get(i + 1).at(), b) : b;
            if (segmentEnd > segmentStart) {
                sum = sum.add(BigInteger.valueOf(levels.get(i).bytes()).multiply(BigInteger.valueOf(segmentEnd - segmentStart)));
            }
        }
        return sum;
    }

    BigInteger byteSeconds() {
        return byteSeconds(start, end);
    }

    /** The highest level in effect at some second of the month up to {@code end}. */
    long peak() {
        long peak = 0;
        for (long t : changes()) {
            peak = Math.max(peak, at(t));
        }
        return peak;
    }

    /** The seconds at which the level may change within [start, end]: the start, each measurement, the removal. */
    TreeSet<Long> changes() {
        TreeSet<Long> times = new TreeSet<>();
        if (end < start) {
            return times;
        }
        times.add(start);
        for (Level l : levels) {
            if (l.at() > start && l.at() <= end) {
                times.add(l.at());
            }
        }
        return times;
    }

    /** The highest sum of the series' levels at any second of the month: a team's peak, not the sum of its projects' peaks. */
    static long peakOfSum(List<StorageSeries> all) {
        TreeSet<Long> times = new TreeSet<>();
        for (StorageSeries series : all) {
            times.addAll(series.changes());
            if (series.removedAt != null && series.removedAt == series.end && series.end >= series.start) {
                times.add(series.end);
            }
        }
        long peak = 0;
        for (long t : times) {
            long sum = 0;
            for (StorageSeries series : all) {
                sum += series.at(t);
            }
            peak = Math.max(peak, sum);
        }
        return peak;
    }
}
