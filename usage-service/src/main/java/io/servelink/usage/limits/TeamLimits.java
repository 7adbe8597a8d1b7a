package io.servelink.usage.limits;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.contracts.events.usage.UsageMetric;

/**
 * A team's effective limits (plan plus add-ons) in bytes, 1 GB = 10^9 bytes, and what happens when its traffic reaches
 * them.
 *
 * @param version               the entitlements snapshot's version; 0 for the defaults
 * @param defaults              true when no snapshot was received and the configured Free defaults apply
 * @param trafficPolicy         the plan's policy at 100 % of the traffic limit
 * @param trafficHardCapPercent the owner's hard cap under {@link TrafficPolicy#SOFT} (null for none; ignored under STOP)
 */
public record TeamLimits(String teamSlug, String plan, long trafficBytesPerMonth, long storageBytes, long version,
                         boolean defaults, TrafficPolicy trafficPolicy, Integer trafficHardCapPercent) {

    public TeamLimits {
        if (trafficPolicy == null) {
            trafficPolicy = defaultPolicyOf(plan);
        }
    }

    /** Limits with the plan's default policy and no hard cap. */
    public TeamLimits(String teamSlug, String plan, long trafficBytesPerMonth, long storageBytes, long version, boolean defaults) {
        this(teamSlug, plan, trafficBytesPerMonth, storageBytes, version, defaults, null, null);
    }

    /** A plan's policy where no snapshot names one: Pro keeps serving, every other plan stops (as the entitlements contract). */
    static TrafficPolicy defaultPolicyOf(String plan) {
        return "pro".equals(plan) ? TrafficPolicy.SOFT : TrafficPolicy.STOP;
    }

    public long limitOf(UsageMetric metric) {
        return switch (metric) {
            case TRAFFIC -> trafficBytesPerMonth;
            case STORAGE -> storageBytes;
        };
    }

    /** The percent of the traffic limit at which the team's projects stop being served; null when they never stop. */
    public Integer trafficStopPercent() {
        if (trafficPolicy == TrafficPolicy.STOP) {
            return 100;
        }
        return trafficHardCapPercent;
    }

    /** Traffic stops: a positive limit and {@code traffic * 100 >= limit * stopPercent}. */
    public boolean trafficBlockedAt(long trafficBytes) {
        Integer stop = trafficStopPercent();
        return stop != null && trafficBytesPerMonth > 0 && ThresholdCrossings.reached(trafficBytes, trafficBytesPerMonth, stop);
    }

    /** Storage at or above a positive limit. */
    public boolean storageOverLimitAt(long storageBytes) {
        return this.storageBytes > 0 && storageBytes >= this.storageBytes;
    }

    /** Traffic above 100 % of a positive limit, 0 below it. */
    public long trafficOverageAt(long trafficBytes) {
        return trafficBytesPerMonth > 0 ? Math.max(0, trafficBytes - trafficBytesPerMonth) : 0;
    }
}
