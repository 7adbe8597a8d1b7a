package io.servelink.resources.catalog;

import io.servelink.contracts.events.entitlements.TrafficPolicy;

/**
 * A plan of the catalog: its limits, its price per paid period in minor units, and what happens at 100 % of its
 * monthly traffic ({@link TrafficPolicy#STOP}: the team's projects stop being served; {@link TrafficPolicy#SOFT}: they
 * stay served, unless the team's owner set a hard cap).
 */
public record Plan(String id, String name, Allowance allowance, long priceMinor, String currency, TrafficPolicy trafficPolicy) {

    public static final String FREE = "free";
    public static final String PRO = "pro";
}
