package io.servelink.usage.traffic;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
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

    static TrafficBatch of(Collection<TrafficRecorded> events) {
        Map<ProjectMonth, TrafficTotals> monthly = new LinkedHashMap<>();
        Map<ProjectDay, TrafficTotals> daily = new LinkedHashMap<>();
        Map<String, Instant> lastTraffic = new LinkedHashMap<>();
        for (TrafficRecorded event : events) {
            LocalDate day = LocalDate.ofInstant(event.windowStart(), ZoneOffset.UTC);
            monthly.merge(new ProjectMonth(event.projectId(), YearMonth.from(day)), TrafficTotals.ZERO.plus(event), TrafficBatch::sum);
            daily.merge(new ProjectDay(event.projectId(), day), TrafficTotals.ZERO.plus(event), TrafficBatch::sum);
            if (event.totalBytes() > 0 || event.requests() > 0) {
                lastTraffic.merge(event.projectId(), event.windowEnd(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return new TrafficBatch(monthly, daily, lastTraffic);
    }

    private static TrafficTotals sum(TrafficTotals a, TrafficTotals b) {
        return new TrafficTotals(Math.addExact(a.requestBytes(), b.requestBytes()),
                Math.addExact(a.responseBytes(), b.responseBytes()), Math.addExact(a.requests(), b.requests()));
    }
}
