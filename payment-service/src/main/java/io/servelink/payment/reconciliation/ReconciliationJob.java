package io.servelink.payment.reconciliation;

import io.servelink.contracts.spring.jobs.JobLock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import reactor.core.publisher.Mono;

/**
 * Runs reconciliation every {@code servelink.payment.reconciliation.interval} on one replica at a time
 * ({@link JobLock}). Switched off with {@code servelink.payment.reconciliation.enabled=false} (tests).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "servelink.payment.reconciliation.enabled", havingValue = "true", matchIfMissing = true)
class ReconciliationJob implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationJob.class);

    private final Reconciliation reconciliation;
    private final JobLock jobLock;
    private final ReconciliationSettings settings;

    ReconciliationJob(Reconciliation reconciliation, JobLock jobLock, ReconciliationSettings settings) {
        this.reconciliation = reconciliation;
        this.jobLock = jobLock;
        this.settings = settings;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::runOnce, settings.interval());
    }

    /** On the scheduler's own thread (never a request thread): waiting for the run keeps runs from overlapping. */
    void runOnce() {
        try {
            runExclusively().block(settings.lockAtMostFor());
        } catch (RuntimeException e) {
            log.error("Scheduled reconciliation failed", e);
        }
    }

    Mono<Boolean> runExclusively() {
        return jobLock.runExclusively(Reconciliation.JOB, settings.lockAtMostFor(), Duration.ofSeconds(30), reconciliation::run);
    }
}
