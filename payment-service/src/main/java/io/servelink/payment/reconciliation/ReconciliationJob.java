package io.servelink.payment.reconciliation;

import io.servelink.contracts.spring.jobs.FixedDelaySchedule;
import io.servelink.contracts.spring.jobs.JobLock;
import java.time.Duration;
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
        FixedDelaySchedule.register(registrar, Reconciliation.JOB, settings.interval(), settings.lockAtMostFor(), this::runExclusively);
    }

    Mono<Boolean> runExclusively() {
        return jobLock.runExclusively(Reconciliation.JOB, settings.lockAtMostFor(), Duration.ofSeconds(30), reconciliation::run);
    }
}
