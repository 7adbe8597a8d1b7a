package io.servelink.contracts.spring.jobs;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Runs a scheduled job on one replica at a time, through a row per job in {@code job_locks} (the ShedLock
 * scheme, on R2DBC). The lock is taken with one conditional UPDATE; it expires by itself after
 * {@code lockAtMostFor} should a replica die mid-job, and is held at least {@code lockAtLeastFor} so that
 * replicas whose clocks fire a little later skip the same slot instead of running it again.
 */
public final class JobLock {

    private static final Logger log = LoggerFactory.getLogger(JobLock.class);

    private final DatabaseClient db;
    private final String owner;

    public JobLock(DatabaseClient db, String owner) {
        this.db = db;
        this.owner = owner;
    }

    /**
     * Runs {@code job} when this replica gets the lock; emits true when it ran, false when another replica holds it.
     */
    public Mono<Boolean> runExclusively(String jobName, Duration lockAtMostFor, Duration lockAtLeastFor, Supplier<Mono<?>> job) {
        return acquire(jobName, lockAtMostFor).flatMap(acquired -> {
            if (!acquired) {
                log.debug("Job {} is running or ran just now elsewhere; skipped", jobName);
                return Mono.just(false);
            }
            return Mono.defer(job)
                    .then(Mono.just(true))
                    .doOnError(e -> log.error("Job {} failed", jobName, e))
                    .flatMap(ran -> release(jobName, lockAtLeastFor).thenReturn(ran))
                    .onErrorResume(e -> release(jobName, lockAtLeastFor).then(Mono.error(e)));
        });
    }

    private Mono<Boolean> acquire(String jobName, Duration lockAtMostFor) {
        return db.sql("INSERT INTO job_locks (name, locked_until, locked_at, locked_by) "
                        + "VALUES (:name, now() + make_interval(secs => :atMost), now(), :owner) "
                        + "ON CONFLICT (name) DO UPDATE SET locked_until = EXCLUDED.locked_until, locked_at = now(), "
                        + "locked_by = EXCLUDED.locked_by WHERE job_locks.locked_until <= now()")
                .bind("name", jobName)
                .bind("atMost", (double) lockAtMostFor.toMillis() / 1000)
                .bind("owner", owner)
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }

    private Mono<Void> release(String jobName, Duration lockAtLeastFor) {
        return db.sql("UPDATE job_locks SET locked_until = GREATEST(now(), locked_at + make_interval(secs => :atLeast)) "
                        + "WHERE name = :name AND locked_by = :owner")
                .bind("atLeast", (double) lockAtLeastFor.toMillis() / 1000)
                .bind("name", jobName)
                .bind("owner", owner)
                .fetch().rowsUpdated()
                .then();
    }
}
