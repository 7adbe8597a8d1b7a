package io.servelink.resources.limits;

import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.resources.catalog.Allowance;
import java.time.Instant;
import java.util.List;

/**
 * A team's effective limits: its plan plus each active add-on, itemised, and their totals.
 *
 * @param validUntil end of the paid Pro period (null on Free)
 * @param version    the entitlements version last published
 */
public record TeamLimits(String teamSlug, String plan, Instant validUntil, long version, List<Item> items, Totals totals) {

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
        return new EntitlementsChanged(teamSlug, plan, validUntil, newVersion, totals.allowance().toEffectiveLimits());
    }
}
