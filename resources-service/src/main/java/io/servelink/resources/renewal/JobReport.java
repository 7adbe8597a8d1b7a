package io.servelink.resources.renewal;

import java.util.Map;

/** What one run of the expiry and renewal job did. */
record JobReport(int expiredAddons, int lapsedTeams, int renewalsStarted, int renewalsFailed) {

    Map<String, Long> figures() {
        return Map.of("expired_addons", (long) expiredAddons, "lapsed_teams", (long) lapsedTeams,
                "renewals_started", (long) renewalsStarted, "renewals_failed", (long) renewalsFailed);
    }
}
