package io.servelink.usage.jobs;

import io.servelink.contracts.spring.jobs.JobLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Runs a named job under its database lock, for the scheduler and for the operator trigger alike. */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Map<String, UsageJob> jobs;
    private final JobLock jobLock;
    private final Clock clock;

    JobRunner(List<UsageJob> jobs, JobLock jobLock, Clock clock) {
        this.jobs = jobs.stream().collect(Collectors.toUnmodifiableMap(UsageJob::name, Function.identity()));
        this.jobLock = jobLock;
        this.clock = clock;
    }

    Optional<UsageJob> find(String name) {
        return Optional.ofNullable(jobs.get(name));
    }

    /**
     * Runs the job when no other replica holds its lock. {@code lockAtLeastFor} keeps replicas whose schedulers fire
     * a little later from running the same slot again; an operator's trigger passes zero.
     */
    Mono<JobRun> run(UsageJob job, Duration lockAtLeastFor) {
        Instant started = clock.instant();
        AtomicReference<JobResult> result = new AtomicReference<>();
        return jobLock.runExclusively(job.name(), job.lockAtMostFor(), lockAtLeastFor, () -> job.run().doOnNext(result::set))
                .map(ran -> new JobRun(job.name(), ran, started, clock.instant(), ran ? result.get() : null))
                .doOnNext(JobRunner::logRun);
    }

    private static void logRun(JobRun run) {
        if (!run.ran()) {
            log.info("Job {} not run: another replica holds its lock", run.job());
        } else if (JobResult.DEGRADED.equals(run.result().outcome())) {
            log.warn("Job {} degraded: {} {}", run.job(), run.result().detail(), run.result().figures());
        } else {
            log.info("Job {} completed: {}", run.job(), run.result().figures());
        }
    }
}
