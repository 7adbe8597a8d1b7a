package io.servelink.usage.jobs;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A job the scheduler runs at its UTC hour and an operator can trigger now. The caller holds the job's
 * {@code JobLock}, so {@link #run()} runs on one replica at a time; it must still be safe to run twice (the
 * effects carry their own unique keys).
 */
public interface UsageJob {

    /** The name in {@code POST /api/usage/admin/jobs/{job_name}} and in {@code job_locks}. */
    String name();

    /** How long a replica that died mid-run keeps the lock. */
    Duration lockAtMostFor();

    Mono<JobResult> run();
}
