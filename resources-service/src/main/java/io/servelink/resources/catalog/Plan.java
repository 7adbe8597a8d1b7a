package io.servelink.resources.catalog;

/** A plan of the catalog: its limits and its price per paid period, in minor units. */
public record Plan(String id, String name, Allowance allowance, long priceMinor, String currency) {

    public static final String FREE = "free";
    public static final String PRO = "pro";
}
