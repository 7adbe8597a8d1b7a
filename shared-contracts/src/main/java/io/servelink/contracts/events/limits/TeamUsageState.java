package io.servelink.contracts.events.limits;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Objects;

/**
 * A team's usage against its limits in a month and what the platform does about it, on the compacted topic
 * {@code servelink.team-usage-state.v1} keyed by team slug. Published by usage-service whenever a field other than the
 * byte counts changes state (a limit is reached, a limit rises, a month begins) and at least every few minutes while
 * usage moves. The gateway follows it to stop serving a team's projects; deployers follow it for storage over its
 * limit (which the gateway cannot stop). Consumers keep the highest {@code version}.
 *
 * @param period            calendar month {@code YYYY-MM} (UTC) the figures are for; a state of an earlier month blocks
 *                          nothing
 * @param trafficStopPercent the percent of the traffic limit at which projects stop being served, null when they never
 *                          stop (SOFT policy without a hard cap)
 * @param trafficBlocked    the team's projects are not served: traffic reached the stop percent of a positive limit
 * @param storageOverLimit  storage is at or above its limit (not blocked by the suite; deployers may act)
 * @param version           increases with every state published for the team
 */
@Event.Version(1)
public record TeamUsageState(String teamSlug, String period, String plan, TrafficPolicy trafficPolicy, Integer trafficStopPercent,
                             long trafficBytes, long trafficLimitBytes, boolean trafficBlocked,
                             long storageBytes, long storageLimitBytes, boolean storageOverLimit,
                             Instant computedAt, long version) implements Event {

    public TeamUsageState {
        Objects.requireNonNull(teamSlug, "teamSlug");
        Objects.requireNonNull(period, "period");
    }

    /** Whether this state stops the team's projects in {@code month}: only a state of that very month does. */
    public boolean blocksTrafficIn(YearMonth month) {
        return trafficBlocked && period.equals(month.toString());
    }
}
