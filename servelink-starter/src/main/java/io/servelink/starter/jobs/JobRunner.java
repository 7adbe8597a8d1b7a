package io.servelink.starter.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a job under its ShedLock lock, for the scheduler and for the operator trigger alike. The lock is taken through
 * {@link LockingTaskExecutor}; the job's Mono is awaited inside it (ShedLock cannot follow a Mono: its lock would end
 * when the Mono is assembled), on the scheduler's thread or on {@code boundedElastic}, never on a request thread.
 */
public final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Map<String, Job> jobs = new TreeMap<>();
    private final Map<String, JobSettings> settings = new TreeMap<>();
    private final LockingTaskExecutor locks;
    private final Clock clock;

    public JobRunner(Collection<Job> jobs, Function<String, JobSettings> settingsOf, LockingTaskExecutor locks, Clock clock) {
        for (Job job : jobs) {
            if (!NAME.matcher(job.name()).matches()) {
                throw new IllegalStateException("Job name '" + job.name() + "' is not lower-case words joined by dashes");
            }
            if (this.jobs.putIfAbsent(job.name(), job) != null) {
                throw new IllegalStateException("Two jobs are named '" + job.name() + "'");
            }
            JobSettings these = settingsOf.apply(job.name());
            if (these.lockAtLeastFor().compareTo(these.lockAtMostFor()) > 0) {
                throw new IllegalStateException("servelink.jobs." + job.name() + ".lock-at-least-for is longer than its lock-at-most-for");
            }
            settings.put(job.name(), these);
        }
        this.locks = locks;
        this.clock = clock;
    }

    public Optional<Job> find(String name) {
        return Optional.ofNullable(jobs.get(name));
    }

    public Collection<Job> jobs() {
        return jobs.values();
    }

    public JobSettings settingsOf(Job job) {
        return settings.get(job.name());
    }

    /**
     * Runs the job now, on {@code boundedElastic}, unless another replica holds its lock ({@code ran} false). The lock
     * is released when the run ends: an operator's run does not hold the slot.
     */
    public Mono<JobRun> trigger(Job job) {
        return Mono.fromCallable(() -> runLocked(job, Duration.ZERO)).subscribeOn(Schedulers.boundedElastic());
    }

    /** A scheduled run, blocking the scheduler's thread; failures are logged, the next run comes at its time. */
    void runScheduled(Job job) {
        try {
            runLocked(job, settingsOf(job).lockAtLeastFor());
        } catch (RuntimeException e) {
            log.error("Job {} failed", job.name(), e);
        }
    }

    /** Runs the job when this replica gets its lock, waiting for the run; the lock is held at least {@code lockAtLeastFor}. */
    public JobRun runLocked(Job job, Duration lockAtLeastFor) {
        Duration lockAtMostFor = settingsOf(job).lockAtMostFor();
        Instant started = clock.instant();
        LockingTaskExecutor.TaskResult<JobResult> outcome = execute(() -> job.run().block(lockAtMostFor),
                new LockConfiguration(ClockProvider.now(), job.name(), lockAtMostFor, lockAtLeastFor));
        if (!outcome.wasExecuted()) {
            log.info("Job {} not run: another replica holds its lock", job.name());
            return new JobRun(job.name(), false, started, clock.instant(), null);
        }
        JobResult result = outcome.getResult() == null ? JobResult.completed(Map.of()) : outcome.getResult();
        if (JobResult.DEGRADED.equals(result.outcome())) {
            log.warn("Job {} degraded: {} {}", job.name(), result.detail(), result.figures());
        } else {
            log.info("Job {} completed: {}", job.name(), result.figures());
        }
        return new JobRun(job.name(), true, started, clock.instant(), result);
    }

    private LockingTaskExecutor.TaskResult<JobResult> execute(LockingTaskExecutor.TaskWithResult<JobResult> task,
                                                              LockConfiguration lock) {
        try {
            return locks.executeWithLock(task, lock);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Job " + lock.getName() + " failed", e);
        }
    }
}
