package io.servelink.starter.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.servelink.starter.SharedSchemaDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.provider.sql.DatabaseProduct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Two replicas' runners on one database (the shared changelog's {@code shedlock} table, ShedLock's JDBC provider with
 * the database's time): a job runs on one of them at a time, a scheduled run keeps its slot for
 * {@code lock-at-least-for}, an operator's run does not.
 */
class JobRunnerIT {

    private static SharedSchemaDatabase db;
    private static HikariDataSource pool;

    private final AtomicInteger runs = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final Job job = new Job() {
        @Override
        public String name() {
            return "test-job";
        }

        @Override
        public Mono<JobResult> run() {
            return Mono.fromCallable(() -> {
                runs.incrementAndGet();
                release.await(30, TimeUnit.SECONDS);
                return JobResult.completed(Map.of("runs", (long) runs.get()));
            }).subscribeOn(Schedulers.boundedElastic());
        }
    };

    @BeforeAll
    static void database() {
        db = SharedSchemaDatabase.forTestClass(JobRunnerIT.class);
        pool = new HikariDataSource();
        pool.setJdbcUrl(db.infrastructure().jdbcUrl());
        pool.setUsername(db.infrastructure().postgres().username());
        pool.setPassword(db.infrastructure().postgres().password());
        pool.setMaximumPoolSize(2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @BeforeEach
    void noLocks() {
        db.execute("DELETE FROM shedlock");
    }

    @Test
    void runsOnOneReplicaAtATime() throws Exception {
        JobRunner first = replica("replica-1");
        JobRunner second = replica("replica-2");
        release = new CountDownLatch(1);

        CompletableFuture<JobRun> running = first.trigger(job).toFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
        JobRun refused = second.trigger(job).block(Duration.ofSeconds(10));
        release.countDown();

        assertThat(refused.ran()).isFalse();
        assertThat(refused.result()).isNull();
        JobRun ran = running.get(10, TimeUnit.SECONDS);
        assertThat(ran.ran()).isTrue();
        assertThat(ran.result().figures()).containsEntry("runs", 1L);
        assertThat(runs).hasValue(1);
        assertThat(second.trigger(job).block(Duration.ofSeconds(10)).ran()).as("an operator's run releases the lock at its end").isTrue();
    }

    @Test
    void aScheduledRunKeepsItsSlotForLockAtLeastFor() {
        JobRunner first = replica("replica-1");
        JobRunner second = replica("replica-2");

        first.runScheduled(job);

        assertThat(runs).hasValue(1);
        assertThat(second.runLocked(job, Duration.ZERO).ran()).as("a replica firing a little later skips the slot").isFalse();
        assertThat(db.query("SELECT locked_by, lock_until > timezone('utc', now()) AS held FROM shedlock WHERE name = 'test-job'"))
                .containsExactly(Map.of("locked_by", "replica-1", "held", true));
    }

    private JobRunner replica(String name) {
        JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(pool))
                .withTableName("shedlock")
                .withDatabaseProduct(DatabaseProduct.POSTGRES_SQL)
                .withLockedByValue(name)
                .usingDbTime()
                .build());
        return new JobRunner(List.of(job), jobName -> new JobSettings(true, "0 0 3 * * *", Duration.ofMinutes(5), Duration.ofMinutes(1)),
                new DefaultLockingTaskExecutor(locks), Clock.systemUTC());
    }
}
