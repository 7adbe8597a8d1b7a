package io.servelink.contracts.events.entitlements;

import io.servelink.contracts.events.Event;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * A team's full entitlement snapshot, on the compacted topic {@code servelink.entitlements.v1} keyed by team slug.
 * Consumers keep the snapshot with the highest {@code version} and ignore older ones.
 *
 * @param plan                  {@code free} or {@code pro}
 * @param validUntil            when the paid plan ends (null on Free)
 * @param version               increases with every change of the team's entitlements
 * @param trafficPolicy         the plan's policy at 100 % of the traffic limit (absent in older snapshots: STOP on Free,
 *                              SOFT otherwise)
 * @param trafficHardCapPercent the owner's spend control on a SOFT plan: traffic stops at this percent of the limit
 *                              (100 or more); null for none. Ignored under STOP.
 */
@Event.Version(1)
public record EntitlementsChanged(String teamSlug, String plan, Instant validUntil, long version, EffectiveLimits limits,
                                  TrafficPolicy trafficPolicy, Integer trafficHardCapPercent) implements Event {

    public EntitlementsChanged {
        if (trafficPolicy == null) {
            trafficPolicy = "pro".equals(plan) ? TrafficPolicy.SOFT : TrafficPolicy.STOP;
        }
    }

    /** A snapshot with the plan's default policy and no hard cap. */
    public EntitlementsChanged(String teamSlug, String plan, Instant validUntil, long version, EffectiveLimits limits) {
        this(teamSlug, plan, validUntil, version, limits, null, null);
    }

    public boolean isPro() {
        return "pro".equals(plan);
    }

    /**
     * The percent of the traffic limit at which the team's projects stop being served, or empty when they never stop
     * (SOFT without a hard cap).
     */
    public OptionalInt trafficStopPercent() {
        if (trafficPolicy == TrafficPolicy.STOP) {
            return OptionalInt.of(100);
        }
        return trafficHardCapPercent == null ? OptionalInt.empty() : OptionalInt.of(trafficHardCapPercent);
    }
}
