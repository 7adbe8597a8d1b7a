package io.servelink.resources.subscription;

import io.servelink.resources.catalog.Plan;
import java.time.Duration;
import java.time.Instant;

/**
 * A team's plan. Every team starts on Free; a paid Pro period lasts {@code period}; after {@code proValidUntil}
 * plus the grace period the team falls back to Free.
 *
 * @param version               the entitlements version last published for the team (0: nothing published yet)
 * @param trafficHardCapPercent the owner's spend control: traffic stops at this percent of the limit on a plan whose
 *                              policy is soft; null for none. Kept across plan changes, without effect on a stopping plan.
 */
public record Subscription(String teamSlug, String plan, Instant proValidUntil, long version, Integer trafficHardCapPercent) {

    public static Subscription free(String teamSlug) {
        return new Subscription(teamSlug, Plan.FREE, null, 0, null);
    }

    public boolean isPro() {
        return Plan.PRO.equals(plan);
    }

    /**
     * A paid Pro period: a Free team is Pro from now for one period; a Pro team (also in its grace period) gets
     * one period more after its current end, so paying late buys no free days.
     */
    public Subscription proPaid(Instant now, Duration period) {
        Instant from = isPro() && proValidUntil != null ? proValidUntil : now;
        return new Subscription(teamSlug, Plan.PRO, from.plus(period), version, trafficHardCapPercent);
    }

    /** True when the team is Pro, its period ended and the grace period is over too. */
    public boolean hasLapsed(Instant now, Duration grace) {
        return isPro() && proValidUntil != null && !proValidUntil.plus(grace).isAfter(now);
    }

    public Subscription lapse() {
        return new Subscription(teamSlug, Plan.FREE, null, version, trafficHardCapPercent);
    }
}
