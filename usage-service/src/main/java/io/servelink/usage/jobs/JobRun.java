package io.servelink.usage.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The operator trigger's answer: whether the job ran here ({@code false}: another replica holds its lock) and
 * what it did.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobRun(String job, boolean ran, Instant startedAt, Instant finishedAt, JobResult result) {
}
