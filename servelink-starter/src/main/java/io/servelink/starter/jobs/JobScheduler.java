package io.servelink.starter.jobs;

import java.time.ZoneOffset;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Puts every enabled job on its cron ({@code servelink.jobs.<job>.cron}, UTC). Every replica's scheduler fires; the
 * job's lock lets one run it. Each job has a thread of its own, so a long run never delays another job.
 */
final class JobScheduler implements SchedulingConfigurer, DisposableBean {

    private final JobRunner runner;
    private final ThreadPoolTaskScheduler threads = new ThreadPoolTaskScheduler();

    JobScheduler(JobRunner runner) {
        this.runner = runner;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        List<Job> scheduled = runner.jobs().stream().filter(job -> runner.settingsOf(job).enabled()).toList();
        threads.setPoolSize(Math.max(1, scheduled.size()));
        threads.setThreadNamePrefix("job-");
        threads.initialize();
        registrar.setTaskScheduler(threads);
        for (Job job : scheduled) {
            String cron = runner.settingsOf(job).cron();
            if (cron == null || cron.isBlank()) {
                throw new IllegalStateException("servelink.jobs." + job.name() + ".cron is not set (or set "
                        + "servelink.jobs." + job.name() + ".enabled=false)");
            }
            registrar.addCronTask(new CronTask(() -> runner.runScheduled(job), new CronTrigger(cron, ZoneOffset.UTC)));
        }
    }

    @Override
    public void destroy() {
        threads.shutdown();
    }
}
