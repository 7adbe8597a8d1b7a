package io.servelink.starter.jobs;

import reactor.core.publisher.Mono;

/**
 * A scheduled job. It runs at the cron of {@code servelink.jobs.<name>.cron} (UTC) on one replica at a time, and an
 * operator runs it now with {@code POST <servelink.jobs.trigger-path>/<name>}; both go through {@link JobRunner}, which
 * holds the job's ShedLock lock while {@link #run()} runs. A run must still be safe to repeat (its effects carry their
 * own unique keys): a run that outlives {@code lock-at-most-for} lets another replica start one.
 */
public interface Job {

    /** Lower-case words joined by dashes: the lock's name, the trigger path's last segment, the settings' key. */
    String name();

    Mono<JobResult> run();
}
