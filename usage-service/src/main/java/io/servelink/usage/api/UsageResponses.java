package io.servelink.usage.api;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.usage.limits.TeamLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Response bodies of the usage API (snake_case on the wire). */
final class UsageResponses {

    private UsageResponses() {
    }

    /** A team's usage in a month: totals over its projects, its traffic state, and each project. */
    record TeamUsage(String teamSlug, String month, DataSize traffic, DataSize storage, long requests, Limits limits, Percent percent,
                     TrafficState trafficState, List<ProjectUsage> projects) {
    }

    /**
     * What happens to the team's traffic: {@code policy} {@code stop} (projects stop being served at 100 %) or
     * {@code soft} (served past it); {@code hard_cap_percent} the owner's cap under {@code soft} (null for none);
     * {@code stop_percent} the percent of the limit at which projects stop (null: never); {@code blocked} whether the
     * team's projects are not served in this month (the state the gateway enforces); {@code overage} the traffic above
     * 100 % of the limit (0 below it).
     */
    record TrafficState(TrafficPolicy policy, Integer hardCapPercent, Integer stopPercent, boolean blocked, DataSize overage) {

        static TrafficState of(TeamLimits limits, long trafficBytes, boolean blocked) {
            return new TrafficState(limits.trafficPolicy(), limits.trafficPolicy() == TrafficPolicy.SOFT ? limits.trafficHardCapPercent() : null,
                    limits.trafficStopPercent(), blocked, DataSize.of(limits.trafficOverageAt(trafficBytes)));
        }
    }

    /**
     * The team's effective limits (plan plus add-ons) in the same units; {@code source} is {@code entitlements}, or
     * {@code default} when no entitlements snapshot arrived yet and the Free defaults apply.
     */
    record Limits(String plan, DataSize trafficPerMonth, DataSize storage, String source) {

        static Limits of(TeamLimits limits) {
            return new Limits(limits.plan(), DataSize.of(limits.trafficBytesPerMonth()), DataSize.of(limits.storageBytes()),
                    limits.defaults() ? "default" : "entitlements");
        }
    }

    /** Usage in percent of the limit, 2 decimals, above 100 when over; null when the limit is 0. */
    record Percent(BigDecimal traffic, BigDecimal storage) {

        static BigDecimal of(long usage, long limit) {
            if (limit <= 0) {
                return null;
            }
            return BigDecimal.valueOf(usage).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(limit), 2, RoundingMode.HALF_UP);
        }
    }

    /**
     * One project's usage in a month. {@code status} is active, suspended or deleted; {@code sleeping} whether it sleeps
     * now (an inactive Free project), since {@code sleeping_since} (null while awake).
     */
    record ProjectUsage(String projectId, String status, DataSize traffic, DataSize requestTraffic, DataSize responseTraffic,
                        DataSize storage, long requests, boolean sleeping, Instant sleepingSince) {
    }

    /** One project's usage in a month with its daily traffic series. */
    record ProjectUsageDetail(String teamSlug, String month, ProjectUsage usage, List<DailyTraffic> daily) {
    }

    record DailyTraffic(LocalDate day, DataSize traffic, long requests) {
    }
}
