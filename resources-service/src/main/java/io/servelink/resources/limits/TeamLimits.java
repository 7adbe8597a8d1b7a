package io.servelink.resources.limits;

import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.resources.catalog.Allowance;
import java.time.Instant;
import java.util.List;

/**
 * A team's effective limits: its plan plus each active add-on, itemised, and their totals, and what happens when its
 * traffic reaches the limit.
 *
 * @param validUntil            end of the paid Pro period (null on Free)
 * @param version               the entitlements version last published
 * @param trafficPolicy         the plan's policy at 100 % of the traffic limit
 * @param trafficHardCapPercent the owner's spend control (soft plans only; null for none, and always null on a
 *                              stopping plan)
 * @param trafficStopPercent    the percent of the traffic limit at which the team's projects stop being served; null
 *                              when they never stop
 */
public record TeamLimits(String teamSlug, String plan, Instant validUntil, long version, List<Item> items, Totals totals,
                         TrafficPolicy trafficPolicy, Integer trafficHardCapPercent, Integer trafficStopPercent) {

    static TeamLimits of(String teamSlug, String plan, Instant validUntil, long version, List<Item> items, Totals totals,
                         TrafficPolicy policy, Integer storedHardCapPercent) {
        Integer cap = policy == TrafficPolicy.SOFT ? storedHardCapPercent : null;
        Integer stop = policy == TrafficPolicy.STOP ? Integer.valueOf(100) : cap;
        return new TeamLimits(teamSlug, plan, validUntil, version, items, totals, policy, cap, stop);
    }

    /** One source of limits: the plan ({@code source = plan}) or an active add-on ({@code source = addon}). */
    public record Item(String source, String id, String resourceType, Integer quantity, Instant expiresAt,
                       long trafficBytes, long storageBytes, long ramMb, int cpuCores) {

        static Item of(String source, String id, String resourceType, Integer quantity, Instant expiresAt, Allowance a) {
            return new Item(source, id, resourceType, quantity, expiresAt, a.trafficBytes(), a.storageBytes(), a.ramMb(), a.cpuCores());
        }
    }

    public record Totals(long trafficBytes, long storageBytes, long ramMb, int cpuCores) {

        static Totals of(Allowance a) {
            return new Totals(a.trafficBytes(), a.storageBytes(), a.ramMb(), a.cpuCores());
        }

        Allowance allowance() {
            return new Allowance(trafficBytes, storageBytes, ramMb, cpuCores);
        }
    }

    public EntitlementsChanged toEvent(long newVersion) {
        return new EntitlementsChanged(teamSlug, plan, validUntil, newVersion, totals.allowance().toEffectiveLimits(),
                trafficPolicy, trafficHardCapPercent);
    }
}
