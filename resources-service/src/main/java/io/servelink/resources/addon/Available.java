package io.servelink.resources.addon;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.resources.catalog.AddonType;
import io.servelink.resources.catalog.Plan;
import java.util.List;

/**
 * The catalog as a team sees it: the plans, the add-ons, and whether this team may buy add-ons (Pro only), with
 * the reason when it may not. Prices are minor units per {@code period_days}.
 */
record Available(String teamSlug, String plan, boolean canPurchase, String reason, int minQuantity, int maxQuantity,
                 List<PlanOffer> plans, List<AddonOffer> addons) {

    /**
     * A plan on sale. {@code trafficPolicy}: {@code stop}, the team's projects stop being served at 100 % of the
     * month's traffic; {@code soft}, they stay served (the overage is shown) unless the owner sets a hard cap.
     */
    record PlanOffer(String id, String name, long trafficBytes, long storageBytes, long ramMb, int cpuCores, long priceMinor,
                     String currency, long periodDays, TrafficPolicy trafficPolicy) {

        static PlanOffer of(Plan plan, long periodDays) {
            return new PlanOffer(plan.id(), plan.name(), plan.allowance().trafficBytes(), plan.allowance().storageBytes(),
                    plan.allowance().ramMb(), plan.allowance().cpuCores(), plan.priceMinor(), plan.currency(), periodDays,
                    plan.trafficPolicy());
        }
    }

    record AddonOffer(String resourceType, String name, long trafficBytes, long storageBytes, long ramMb, int cpuCores,
                      long priceMinor, String currency, long periodDays) {

        static AddonOffer of(AddonType type, long periodDays) {
            return new AddonOffer(type.id(), type.name(), type.perUnit().trafficBytes(), type.perUnit().storageBytes(),
                    type.perUnit().ramMb(), type.perUnit().cpuCores(), type.priceMinor(), type.currency(), periodDays);
        }
    }
}
