package io.servelink.usage.limits;

import io.servelink.contracts.events.usage.UsageMetric;

/**
 * A team's effective limits (plan plus add-ons) in bytes, 1 GB = 10^9 bytes.
 *
 * @param version  the entitlements snapshot's version; 0 for the defaults
 * @param defaults true when no snapshot was received and the configured Free defaults apply
 */
public record TeamLimits(String teamSlug, String plan, long trafficBytesPerMonth, long storageBytes, long version,
                         boolean defaults) {

    public long limitOf(UsageMetric metric) {
        return switch (metric) {
            case TRAFFIC -> trafficBytesPerMonth;
            case STORAGE -> storageBytes;
        };
    }
}
