package io.servelink.resources.catalog;

/** An add-on on sale: what one unit grants and what one unit costs per paid period, in minor units. */
public record AddonType(String id, String name, Allowance perUnit, long priceMinor, String currency) {
}
