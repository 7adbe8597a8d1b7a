package io.servelink.gateway.metering;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-project counters of the current window. Request threads add as bytes stream; the window clock takes the
 * sums with {@link LongAdder#sumThenReset()}, which moves each cell atomically, so every byte lands in exactly one
 * window even while transfers run across a window's end.
 */
class TrafficWindows {

    private final Map<String, Counters> byProject = new ConcurrentHashMap<>();

    void addRequestBytes(String projectId, long bytes) {
        counters(projectId).requestBytes.add(bytes);
    }

    void addResponseBytes(String projectId, long bytes) {
        counters(projectId).responseBytes.add(bytes);
    }

    void countRequest(String projectId) {
        counters(projectId).requests.increment();
    }

    /** Closes the window: one event per project that moved bytes or completed requests in it. */
    List<TrafficRecorded> close(Instant windowStart, Instant windowEnd) {
        List<TrafficRecorded> events = new ArrayList<>();
        byProject.forEach((projectId, counters) -> {
            long requestBytes = counters.requestBytes.sumThenReset();
            long responseBytes = counters.responseBytes.sumThenReset();
            long requests = counters.requests.sumThenReset();
            if (requestBytes > 0 || responseBytes > 0 || requests > 0) {
                events.add(new TrafficRecorded(projectId, windowStart, windowEnd, requestBytes, responseBytes, requests));
            }
        });
        return events;
    }

    private Counters counters(String projectId) {
        return byProject.computeIfAbsent(projectId, id -> new Counters());
    }

    private static final class Counters {
        final LongAdder requestBytes = new LongAdder();
        final LongAdder responseBytes = new LongAdder();
        final LongAdder requests = new LongAdder();
    }
}
