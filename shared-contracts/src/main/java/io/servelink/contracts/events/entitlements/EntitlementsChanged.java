package io.servelink.contracts.events.entitlements;

import io.servelink.contracts.events.Event;
import java.time.Instant;

/**
 * A team's full entitlement snapshot, on the compacted topic {@code servelink.entitlements.v1} keyed by team slug.
 * Consumers keep the snapshot with the highest {@code version} and ignore older ones.
 *
 * @param plan       {@code free} or {@code pro}
 * @param validUntil when the paid plan ends (null on Free)
 * @param version    increases with every change of the team's entitlements
 */
@Event.Version(1)
public record EntitlementsChanged(String teamSlug, String plan, Instant validUntil, long version, EffectiveLimits limits)
        implements Event {

    public boolean isPro() {
        return "pro".equals(plan);
    }
}
