package io.servelink.resources.spendcontrol;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.resources.limits.TeamLimits;

/**
 * A team's spend control as the owner sets it and the gateway applies it.
 *
 * @param trafficPolicy         the plan's policy at 100 % of the month's traffic: {@code stop} or {@code soft}
 * @param trafficHardCapPercent the owner's hard cap in percent of the traffic limit (soft plans only); null for none
 * @param trafficStopPercent    the percent of the traffic limit at which the team's projects stop being served; null
 *                              when they never stop (soft without a hard cap)
 * @param version               the entitlements version that carries this setting
 */
record SpendControl(String teamSlug, String plan, TrafficPolicy trafficPolicy, Integer trafficHardCapPercent,
                    Integer trafficStopPercent, long version) {

    static SpendControl of(TeamLimits limits) {
        return new SpendControl(limits.teamSlug(), limits.plan(), limits.trafficPolicy(), limits.trafficHardCapPercent(),
                limits.trafficStopPercent(), limits.version());
    }
}
