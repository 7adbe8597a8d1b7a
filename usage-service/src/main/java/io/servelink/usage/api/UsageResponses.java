package io.servelink.usage.api;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.usage.limits.TeamLimits;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/** Response bodies of the usage API (snake_case on the wire). */
final class UsageResponses {

    private UsageResponses() {
    }

    /**
     * A team's usage in a month: totals over its projects, its traffic state, and each project. {@code storage} is the
     * latest figure (what limits and alerts use), {@code storage_month} what the month's storage means in full.
     */
    record TeamUsage(String teamSlug, String month, DataSize traffic, DataSize storage, StorageMonth storageMonth, long requests,
                     Limits limits, Percent percent, TrafficState trafficState, List<ProjectUsage> projects) {
    }

    /**
     * What a month's storage means (docs/usage.md, "What a month's storage means"). Each measurement holds until the
     * next one; the last measurement of the month before holds from the month's first instant; the month is counted up
     * to now while it runs.
     *
     * @param latest      the latest figure: what limits and alerts use (for a team, the sum over its projects)
     * @param peak        the highest level at any time of the month (for a team, of the team's sum at one time)
     * @param average     the time-weighted average over the whole calendar month: byte_seconds divided by the month's
     *                    seconds (Lago's weighted sum); while the month runs, the part still to come counts as nothing
     * @param gbDays      byte_seconds in GB-days: 1 GB = 10^9 bytes held for 86,400 s, 6 decimals, rounded half up
     * @param byteSeconds the exact integral of the level over the month, in byte-seconds (whole seconds)
     * @param measuredAt  when the measurement behind {@code latest} was taken (for a team, the oldest of its projects');
     *                    null when never measured
     * @param stale       whether the latest figure is stale: the last storage runs could not measure it (for a team, any
     *                    of its projects), so it is the last measurement kept
     * @param staleSince  since when: the first run that could not measure it (for a team, the earliest); null when fresh
     */
    record StorageMonth(DataSize latest, DataSize peak, DataSize average,
                        @Schema(description = "GB-days (GB = 10^9 bytes, day = 86,400 s), 6 decimals", example = "12.5") BigDecimal gbDays,
                        @Schema(type = "integer", format = "int64", description = "exact byte-seconds over the month so far (int64 holds a team's month up to a 3.4 TB average)", example = "1080000000000000") BigInteger byteSeconds,
                        @Schema(description = "when the latest figure was measured, null when never", nullable = true) Instant measuredAt,
                        @Schema(description = "whether the latest figure is the last measurement kept because the last runs could not measure it")
                        boolean stale,
                        @Schema(description = "the first run that could not measure it; null when fresh", nullable = true) Instant staleSince) {

        static final BigDecimal BYTE_SECONDS_PER_GB_DAY = BigDecimal.valueOf(86_400L * 1_000_000_000L);

        static StorageMonth of(YearMonth month, long latest, long peak, BigInteger byteSeconds, Instant measuredAt, Instant staleSince) {
            BigInteger monthSeconds = BigInteger.valueOf(month.lengthOfMonth() * 86_400L);
            long average = new BigDecimal(byteSeconds).divide(new BigDecimal(monthSeconds), 0, RoundingMode.HALF_UP).longValueExact();
            return new StorageMonth(DataSize.of(latest), DataSize.of(Math.max(peak, latest)), DataSize.of(average), gbDays(byteSeconds),
                    byteSeconds, measuredAt, staleSince != null, staleSince);
        }

        static BigDecimal gbDays(BigInteger byteSeconds) {
            return new BigDecimal(byteSeconds).divide(BYTE_SECONDS_PER_GB_DAY, 6, RoundingMode.HALF_UP);
        }
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
     * now (an inactive Free project), since {@code sleeping_since} (null while awake). {@code storage} is the latest
     * figure, {@code storage_month} what the month's storage means in full.
     */
    record ProjectUsage(String projectId, String status, DataSize traffic, DataSize requestTraffic, DataSize responseTraffic,
                        DataSize storage, StorageMonth storageMonth, long requests, boolean sleeping, Instant sleepingSince) {
    }

    /** One project's usage in a month with its daily traffic series. */
    record ProjectUsageDetail(String teamSlug, String month, ProjectUsage usage, List<DailyTraffic> daily) {
    }

    record DailyTraffic(LocalDate day, DataSize traffic, long requests) {
    }
}
