package io.servelink.payment.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.payment.webhook-retention.*}: how long rejected webhook deliveries (bad, stale or missing
 * signature) and their {@code webhook.rejected} audit rows are kept. Accepted deliveries and every other audit row
 * are kept. When the job runs is the job's ({@code servelink.jobs.webhook-retention.*}).
 *
 * @param keepRejectedFor a rejected delivery older than this is deleted
 * @param batchSize       rows deleted per statement (short locks under a flood's backlog)
 */
@ConfigurationProperties("servelink.payment.webhook-retention")
public record WebhookRetentionSettings(@DefaultValue("30d") Duration keepRejectedFor, @DefaultValue("1000") int batchSize) {

    public WebhookRetentionSettings {
        if (keepRejectedFor.isNegative() || keepRejectedFor.isZero()) {
            throw new IllegalArgumentException("servelink.payment.webhook-retention.keep-rejected-for must be positive");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("servelink.payment.webhook-retention.batch-size must be at least 1");
        }
    }
}
