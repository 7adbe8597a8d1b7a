package io.servelink.usage.limits;

import io.servelink.contracts.events.usage.UsageMetric;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * Which thresholds a team's usage has reached in a period: for each project and for the team total (the sum of
 * its projects), for traffic and for storage, against the team's limits. A threshold {@code t} is reached when
 * {@code usage * 100 >= limit * t}; a limit of 0 or less means "no limit" and raises nothing.
 */
final class ThresholdCrossings {

    /** Scope of the team total in {@code usage_alerts}. */
    static final String TEAM_SCOPE = "";

    private ThresholdCrossings() {
    }

    /** One project's usage in the period. */
    record ProjectUsage(String projectId, long trafficBytes, long storageBytes) {

        long of(UsageMetric metric) {
            return metric == UsageMetric.TRAFFIC ? trafficBytes : storageBytes;
        }
    }

    /** A threshold reached: {@code scope} is a project id or {@link #TEAM_SCOPE}. */
    record Crossing(String teamSlug, String scope, UsageMetric metric, int thresholdPercent, long usageBytes, long limitBytes) {

        Key key() {
            return new Key(teamSlug, scope, metric, thresholdPercent);
        }

        String projectIdOrNull() {
            return TEAM_SCOPE.equals(scope) ? null : scope;
        }
    }

    /** The identity of an alert within one period. */
    record Key(String teamSlug, String scope, UsageMetric metric, int thresholdPercent) {
    }

    static List<Crossing> reached(TeamLimits limits, List<ProjectUsage> projects, SortedSet<Integer> thresholds) {
        List<Crossing> crossings = new ArrayList<>();
        for (UsageMetric metric : UsageMetric.values()) {
            long limit = limits.limitOf(metric);
            if (limit <= 0) {
                continue;
            }
            long total = 0;
            for (ProjectUsage project : projects) {
                long usage = project.of(metric);
                total = Math.addExact(total, usage);
                addReached(crossings, limits.teamSlug(), project.projectId(), metric, usage, limit, thresholds);
            }
            addReached(crossings, limits.teamSlug(), TEAM_SCOPE, metric, total, limit, thresholds);
        }
        return crossings;
    }

    private static void addReached(List<Crossing> crossings, String team, String scope, UsageMetric metric, long usage, long limit,
                                   SortedSet<Integer> thresholds) {
        for (int threshold : thresholds) {
            if (reached(usage, limit, threshold)) {
                crossings.add(new Crossing(team, scope, metric, threshold, usage, limit));
            }
        }
    }

    static boolean reached(long usage, long limit, int thresholdPercent) {
        try {
            return Math.multiplyExact(usage, 100L) >= Math.multiplyExact(limit, (long) thresholdPercent);
        } catch (ArithmeticException overflow) {
            return BigInteger.valueOf(usage).multiply(BigInteger.valueOf(100))
                    .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(thresholdPercent))) >= 0;
        }
    }
}
