package io.servelink.contracts.events.usage;

import io.servelink.contracts.events.Event;

/**
 * Usage crossed a threshold (80, 95, 100 or a team's own) of a limit in a period. Published once per team,
 * project (null for the team total), metric, period and threshold. Key: team slug.
 *
 * @param period calendar month {@code YYYY-MM} (UTC)
 */
@Event.Version(1)
public record UsageThresholdCrossed(String teamSlug, String projectId, UsageMetric metric, int thresholdPercent,
                                    long usageBytes, long limitBytes, String period) implements Event {
}
