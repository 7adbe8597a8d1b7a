package io.servelink.usage.jobs;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The UTC schedule: 02:00 inactive projects, 04:00 storage measurement, 06:00 limit check. Every replica's
 * scheduler fires; the job lock lets one run it. Off with {@code servelink.usage.jobs.scheduling-enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "servelink.usage.jobs.scheduling-enabled", havingValue = "true", matchIfMissing = true)
class JobSchedule {

    private static final Logger log = LoggerFactory.getLogger(JobSchedule.class);
    private static final Duration SLOT = Duration.ofMinutes(5);

    private final JobRunner runner;

    JobSchedule(JobRunner runner) {
        this.runner = runner;
    }

    @Scheduled(cron = "0 0 2 * * *", zone = "UTC")
    void inactiveProjects() {
        runNamed("inactive-projects");
    }

    @Scheduled(cron = "0 0 4 * * *", zone = "UTC")
    void storageMeasurement() {
        runNamed("storage-measurement");
    }

    @Scheduled(cron = "0 0 6 * * *", zone = "UTC")
    void limitCheck() {
        runNamed("limit-check");
    }

    /** On the scheduler's own thread, never a request thread: waiting for the run keeps runs from overlapping. */
    private void runNamed(String name) {
        runner.find(name).ifPresentOrElse(job -> {
            try {
                runner.run(job, SLOT).block(job.lockAtMostFor());
            } catch (RuntimeException e) {
                log.error("Scheduled job {} failed", name, e);
            }
        }, () -> log.error("No job named {}", name));
    }
}
