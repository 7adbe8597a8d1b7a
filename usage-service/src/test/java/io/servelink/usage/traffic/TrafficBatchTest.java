package io.servelink.usage.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficBatchTest {

    @Test
    void putsAnEventInTheUtcMonthAndDayOfItsWindowStart() {
        TrafficBatch batch = TrafficBatch.of(List.of(
                event("p", "2026-11-30T23:59:58Z", 10, 20),
                event("p", "2026-12-01T00:00:00Z", 1, 2)));

        assertThat(batch.monthly()).containsEntry(new TrafficBatch.ProjectMonth("p", YearMonth.of(2026, 11)), new TrafficTotals(10, 20, 1))
                .containsEntry(new TrafficBatch.ProjectMonth("p", YearMonth.of(2026, 12)), new TrafficTotals(1, 2, 1));
        assertThat(batch.daily()).containsKey(new TrafficBatch.ProjectDay("p", LocalDate.of(2026, 11, 30)))
                .containsKey(new TrafficBatch.ProjectDay("p", LocalDate.of(2026, 12, 1)));
    }

    @Test
    void addsUpEventsOfTheSameProjectAndMonthAndKeepsTheLatestTrafficTime() {
        TrafficBatch batch = TrafficBatch.of(List.of(
                event("p", "2026-11-02T10:00:00Z", 5, 5),
                event("q", "2026-11-02T10:00:00Z", 1, 1),
                event("p", "2026-11-01T10:00:00Z", 7, 3)));

        assertThat(batch.monthly().get(new TrafficBatch.ProjectMonth("p", YearMonth.of(2026, 11)))).isEqualTo(new TrafficTotals(12, 8, 2));
        assertThat(batch.lastTraffic()).containsEntry("p", Instant.parse("2026-11-02T10:00:05Z"));
    }

    @Test
    void doesNotTreatAnEmptyWindowAsActivity() {
        TrafficBatch batch = TrafficBatch.of(List.of(new TrafficRecorded("idle", Instant.parse("2026-11-02T10:00:00Z"),
                Instant.parse("2026-11-02T10:00:05Z"), 0, 0, 0)));

        assertThat(batch.lastTraffic()).isEmpty();
    }

    private static TrafficRecorded event(String project, String start, long request, long response) {
        Instant windowStart = Instant.parse(start);
        return new TrafficRecorded(project, windowStart, windowStart.plusSeconds(5), request, response, 1);
    }
}
