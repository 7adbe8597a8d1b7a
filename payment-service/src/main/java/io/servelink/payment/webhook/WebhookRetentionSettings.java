package io.servelink.payment.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.payment.webhook-retention.*}: how long rejected webhook deliveries (bad, stale or missing
 * signature) and their {@code webhook.rejected} audit rows are kept. Accepted deliveries and every other audit row
 * are kept.
 *
 * @param enabled         whether the schedule runs
 * @param interval        pause between two runs
 * @param keepRejectedFor a rejected delivery older than this is deleted
 * @param batchSize       rows deleted per statement (short locks under a flood's backlog)
 * @param lockAtMostFor   how long a dead replica can hold the job lock
 */
@ConfigurationProperties("servelink.payment.webhook-retention")
public record WebhookRetentionSettings(@DefaultValue("true") boolean enabled, @DefaultValue("1h") Duration interval,
                                       @DefaultValue("30d") Duration keepRejectedFor, @DefaultValue("1000") int batchSize,
                                       @DefaultValue("10m") Duration lockAtMostFor) {

    public WebhookRetentionSettings {
        if (keepRejectedFor.isNegative() || keepRejectedFor.isZero()) {
            throw new IllegalArgumentException("servelink.payment.webhook-retention.keep-rejected-for must be positive");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("servelink.payment.webhook-retention.batch-size must be at least 1");
        }
    }
}
