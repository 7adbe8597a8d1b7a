package io.servelink.payment.webhook;

import io.servelink.contracts.spring.jobs.FixedDelaySchedule;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Runs {@link WebhookRetention} every {@code servelink.payment.webhook-retention.interval} on one replica at a time.
 * Switched off with {@code servelink.payment.webhook-retention.enabled=false} (tests).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "servelink.payment.webhook-retention.enabled", havingValue = "true", matchIfMissing = true)
class WebhookRetentionJob implements SchedulingConfigurer {

    private final WebhookRetention retention;
    private final WebhookRetentionSettings settings;

    WebhookRetentionJob(WebhookRetention retention, WebhookRetentionSettings settings) {
        this.retention = retention;
        this.settings = settings;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        FixedDelaySchedule.register(registrar, WebhookRetention.JOB, settings.interval(), settings.lockAtMostFor(),
                retention::runExclusively);
    }
}
