package io.servelink.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
    void losesNoByteWhenWindowsCloseWhileTrafficFlows() throws Exception {
        // Dedicated threads, not the common pool: on a 2-core machine its single worker would be taken by the closer.
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong closedTotal = new AtomicLong();
        Thread closer = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                closedTotal.addAndGet(windows.close(t0, t0).stream().mapToLong(TrafficRecorded::responseBytes).sum());
            }
        });
        List<Thread> writers = IntStream.range(0, 4).mapToObj(n -> Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 250_000; i++) {
                windows.addResponseBytes("busy", 1);
            }
        })).toList();
        for (Thread writer : writers) {
            writer.join();
        }
        done.set(true);
        closer.join();

        long total = closedTotal.get() + windows.close(t0, t0).stream().mapToLong(TrafficRecorded::responseBytes).sum();
        assertThat(total).isEqualTo(1_000_000);
    }
}
