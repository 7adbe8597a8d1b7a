package io.servelink.resources.renewal;

/**
 * What one run of the expiry and renewal job did.
 *
 * @param ran false when another replica held the job's lock and this run was skipped
 */
record JobReport(boolean ran, int expiredAddons, int lapsedTeams, int renewalsStarted, int renewalsFailed) {

    static final JobReport SKIPPED = new JobReport(false, 0, 0, 0, 0);
}
