package io.servelink.usage.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.usage.UsageMetric;
import io.servelink.usage.limits.ThresholdCrossings.Crossing;
import io.servelink.usage.limits.ThresholdCrossings.ProjectUsage;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ThresholdCrossingsTest {

    private static final TeamLimits LIMITS = new TeamLimits("acme", "pro", 1_000, 10_000, 3, false);

    @Test
    void raisesEachReachedThresholdPerProjectAndForTheTeamTotal() {
        List<Crossing> crossings = ThresholdCrossings.reached(LIMITS,
                List.of(new ProjectUsage("web", 800, 0), new ProjectUsage("api", 150, 0)), AlertThresholds.FIXED);

        assertThat(crossings).extracting(c -> c.scope() + ":" + c.metric() + ":" + c.thresholdPercent())
                .containsExactlyInAnyOrder("web:TRAFFIC:80", ":TRAFFIC:80", ":TRAFFIC:95");
        assertThat(crossings).filteredOn(c -> c.scope().isEmpty()).allSatisfy(c -> {
            assertThat(c.usageBytes()).isEqualTo(950);
            assertThat(c.limitBytes()).isEqualTo(1_000);
            assertThat(c.projectIdOrNull()).isNull();
        });
    }

    @Test
    void countsAThresholdAsReachedExactlyAtItsValueAndNotABelow() {
        assertThat(ThresholdCrossings.reached(800, 1_000, 80)).isTrue();
        assertThat(ThresholdCrossings.reached(799, 1_000, 80)).isFalse();
        assertThat(ThresholdCrossings.reached(Long.MAX_VALUE / 10, Long.MAX_VALUE / 10, 100)).isTrue();
    }

    @Test
    void usesTheTeamsOwnThresholdsAndIgnoresAMetricWithoutLimit() {
        TeamLimits noStorageLimit = new TeamLimits("acme", "free", 1_000, 0, 0, true);
        List<Crossing> crossings = ThresholdCrossings.reached(noStorageLimit, List.of(new ProjectUsage("web", 500, 99_999)),
                AlertThresholds.withFixed(new TreeSet<>(List.of(50))));

        assertThat(crossings).extracting(Crossing::metric).containsOnly(UsageMetric.TRAFFIC);
        assertThat(crossings).extracting(Crossing::thresholdPercent).containsOnly(50);
    }
}
