package io.servelink.usage.traffic;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The new traffic events of one consumed batch, added up per project and month, per project and day, and the
 * latest traffic time per project, so that one batch costs three set-based statements whatever its size.
 * An event belongs to the UTC month and day of its window start.
 */
record TrafficBatch(Map<ProjectMonth, TrafficTotals> monthly, Map<ProjectDay, TrafficTotals> daily,
                    Map<String, Instant> lastTraffic) {

    record ProjectMonth(String projectId, YearMonth month) {
    }

    record ProjectDay(String projectId, LocalDate day) {
    }

    /** Adds up per project, then per day within the project (a batch holds a few days at most); months follow from days. */
    static TrafficBatch of(Collection<TrafficRecorded> events) {
        Map<String, ProjectSums> projects = new HashMap<>();
        UtcDays days = new UtcDays();
        for (TrafficRecorded event : events) {
            projects.computeIfAbsent(event.projectId(), id -> new ProjectSums()).add(days.of(event.windowStart()), event);
        }
        Map<ProjectMonth, TrafficTotals> monthly = new HashMap<>();
        Map<ProjectDay, TrafficTotals> daily = new HashMap<>();
        Map<String, Instant> lastTraffic = new HashMap<>();
        projects.forEach((projectId, sums) -> {
            sums.days.forEach((day, sum) -> {
                TrafficTotals totals = new TrafficTotals(sum[0], sum[1], sum[2]);
                daily.put(new ProjectDay(projectId, day), totals);
                monthly.merge(new ProjectMonth(projectId, YearMonth.from(day)), totals, TrafficBatch::sum);
            });
            if (sums.lastTraffic != null) {
                lastTraffic.put(projectId, sums.lastTraffic);
            }
        });
        return new TrafficBatch(monthly, daily, lastTraffic);
    }

    private static TrafficTotals sum(TrafficTotals a, TrafficTotals b) {
        return new TrafficTotals(Math.addExact(a.requestBytes(), b.requestBytes()),
                Math.addExact(a.responseBytes(), b.responseBytes()), Math.addExact(a.requests(), b.requests()));
    }

    /** One project's request bytes, response bytes and requests per day, and its latest traffic time. */
    private static final class ProjectSums {
        private final Map<LocalDate, long[]> days = new HashMap<>(4);
        private LocalDate lastDay;
        private long[] lastSum;
        private Instant lastTraffic;

        void add(LocalDate day, TrafficRecorded event) {
            if (day != lastDay) {
                lastSum = days.computeIfAbsent(day, d -> new long[3]);
                lastDay = day;
            }
            lastSum[0] = Math.addExact(lastSum[0], event.requestBytes());
            lastSum[1] = Math.addExact(lastSum[1], event.responseBytes());
            lastSum[2] = Math.addExact(lastSum[2], event.requests());
            if ((event.totalBytes() > 0 || event.requests() > 0) && (lastTraffic == null || event.windowEnd().isAfter(lastTraffic))) {
                lastTraffic = event.windowEnd();
            }
        }
    }

    /** The UTC day of an instant; consecutive events mostly share one, so the last answer is kept. */
    private static final class UtcDays {
        private static final long SECONDS_PER_DAY = 86_400;
        private long epochDay = Long.MIN_VALUE;
        private LocalDate day;

        LocalDate of(Instant instant) {
            long next = Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_DAY);
            if (next != epochDay) {
                epochDay = next;
                day = LocalDate.ofEpochDay(next);
            }
            return day;
        }
    }
}
