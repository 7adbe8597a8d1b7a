package io.servelink.usage.api;

import java.time.LocalDate;
import java.util.List;

/** Response bodies of the usage API (snake_case on the wire). */
final class UsageResponses {

    private UsageResponses() {
    }

    /** A team's usage in a month: totals over its projects, and each project. */
    record TeamUsage(String teamSlug, String month, DataSize traffic, DataSize storage, long requests, List<ProjectUsage> projects) {
    }

    /** One project's usage in a month. {@code status} is active, suspended or deleted. */
    record ProjectUsage(String projectId, String status, DataSize traffic, DataSize requestTraffic, DataSize responseTraffic,
                        DataSize storage, long requests) {
    }

    /** One project's usage in a month with its daily traffic series. */
    record ProjectUsageDetail(String teamSlug, String month, ProjectUsage usage, List<DailyTraffic> daily) {
    }

    record DailyTraffic(LocalDate day, DataSize traffic, long requests) {
    }
}
