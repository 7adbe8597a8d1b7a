package io.servelink.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.gateway.topics.CompactedTopicFollower.Keyed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TeamUsageStatesTest {

    private static final Instant MID_MAY = Instant.parse("2026-05-15T12:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(MID_MAY);
    private final TeamUsageStates states = new TeamUsageStates(new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }, new LimitsSettings(true, Duration.ofMillis(200), Duration.ofSeconds(1)));

    @Test
    void blocksATeamWhoseStateOfThisMonthBlocksTraffic() {
        states.apply(List.of(state("acme", "2026-05", true, 1), state("globex", "2026-05", false, 1)));

        assertThat(states.blocksTraffic("acme")).isTrue();
        assertThat(states.blocksTraffic("globex")).isFalse();
        assertThat(states.blocksTraffic("unknown")).isFalse();
        assertThat(states.blocksTraffic(null)).isFalse();
    }

    @Test
    void keepsTheHighestVersionOfATeamsState() {
        states.apply(List.of(state("acme", "2026-05", true, 5), state("acme", "2026-05", false, 4)));
        assertThat(states.blocksTraffic("acme")).isTrue();

        states.apply(List.of(state("acme", "2026-05", false, 3)));
        assertThat(states.blocksTraffic("acme")).isTrue();

        states.apply(List.of(state("acme", "2026-05", false, 6)));
        assertThat(states.blocksTraffic("acme")).isFalse();
    }

    @Test
    void aTombstoneRemovesTheTeamsState() {
        states.apply(List.of(state("acme", "2026-05", true, 1)));
        states.apply(List.of(new Keyed<>("acme", null)));

        assertThat(states.blocksTraffic("acme")).isFalse();
    }

    @Test
    void aStateOfAnEarlierMonthBlocksNothingAndTheMonthsEndUnblocksByItself() {
        states.apply(List.of(state("april", "2026-04", true, 1), state("acme", "2026-05", true, 1)));
        assertThat(states.blocksTraffic("april")).isFalse();
        assertThat(states.blocksTraffic("acme")).isTrue();

        now.set(Instant.parse("2026-05-31T23:59:59.999Z"));
        assertThat(states.blocksTraffic("acme")).isTrue();
        now.set(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(states.blocksTraffic("acme")).isFalse();
    }

    @Test
    void aStateOfTheComingMonthBlocksOnceThatMonthBegins() {
        states.apply(List.of(state("acme", "2026-06", true, 1)));
        assertThat(states.blocksTraffic("acme")).isFalse();

        now.set(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(states.blocksTraffic("acme")).isTrue();
    }

    private static Keyed<TeamUsageState> state(String team, String period, boolean blocked, long version) {
        return new Keyed<>(team, new TeamUsageState(team, period, "free", TrafficPolicy.STOP, 100, blocked ? 10 : 5, 10, blocked,
                0, 10, false, MID_MAY, version));
    }
}
