package io.servelink.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrafficWindowsTest {

    private final TrafficWindows windows = new TrafficWindows();
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void emitsOneEventPerProjectWithTrafficAndNoneForIdleProjects() {
        windows.addRequestBytes("a", 10);
        windows.addResponseBytes("a", 20);
        windows.countRequest("a");
        windows.addResponseBytes("b", 5);

        List<TrafficRecorded> first = windows.close(t0, t0.plusSeconds(5));
        List<TrafficRecorded> second = windows.close(t0.plusSeconds(5), t0.plusSeconds(10));

        assertThat(first).containsExactlyInAnyOrder(
                new TrafficRecorded("a", t0, t0.plusSeconds(5), 10, 20, 1),
                new TrafficRecorded("b", t0, t0.plusSeconds(5), 0, 5, 0));
        assertThat(second).isEmpty();
    }

    @Test
    void losesNoByteWhenWindowsCloseWhileTrafficFlows() {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Long> closedTotals = CompletableFuture.supplyAsync(() -> {
            long total = 0;
            while (!done.get()) {
                total += windows.close(t0, t0).stream().mapToLong(TrafficRecorded::responseBytes).sum();
            }
            return total;
        });
        IntStream.range(0, 4).parallel().forEach(thread -> {
            for (int i = 0; i < 250_000; i++) {
                windows.addResponseBytes("busy", 1);
            }
        });
        done.set(true);

        long total = closedTotals.join() + windows.close(t0, t0).stream().mapToLong(TrafficRecorded::responseBytes).sum();
        assertThat(total).isEqualTo(1_000_000);
    }
}
