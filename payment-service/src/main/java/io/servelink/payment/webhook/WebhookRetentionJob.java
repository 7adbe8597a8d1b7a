package io.servelink.payment.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(WebhookRetentionJob.class);

    private final WebhookRetention retention;
    private final WebhookRetentionSettings settings;

    WebhookRetentionJob(WebhookRetention retention, WebhookRetentionSettings settings) {
        this.retention = retention;
        this.settings = settings;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::runOnce, settings.interval());
    }

    /** On the scheduler's own thread (never a request thread): waiting for the run keeps runs from overlapping. */
    void runOnce() {
        try {
            retention.runExclusively().block(settings.lockAtMostFor());
        } catch (RuntimeException e) {
            log.error("Scheduled webhook retention failed", e);
        }
    }
}
