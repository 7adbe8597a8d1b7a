package io.servelink.starter.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.outbox.*}: the outbox relay and the retention of what the outbox and the idempotent consumers
 * leave behind.
 *
 * @param enabled            whether this service has an outbox, a relay and a processed-events ledger
 * @param interval           pause between two relay rounds
 * @param batchSize          rows one round claims
 * @param maxAttempts        failed sends after which a row is parked for an operator
 * @param lease              how long a claim keeps other replicas off the rows it sent; a failed row is retried after
 *                           it. Longer than one send may take (3 × {@code servelink.kafka.request-timeout})
 * @param retention          published outbox rows and processed-event ids older than this are deleted by the
 *                           {@code event-retention} job; longer than a consumer could ever be rewound
 * @param retentionBatchSize rows deleted per statement
 */
@ConfigurationProperties("servelink.outbox")
public record OutboxSettings(@DefaultValue("false") boolean enabled, @DefaultValue("500ms") Duration interval,
                             @DefaultValue("200") int batchSize, @DefaultValue("20") int maxAttempts,
                             @DefaultValue("1m") Duration lease, @DefaultValue("7d") Duration retention,
                             @DefaultValue("1000") int retentionBatchSize) {

    public OutboxSettings {
        if (batchSize < 1 || retentionBatchSize < 1) {
            throw new IllegalArgumentException("servelink.outbox.batch-size and .retention-batch-size must be at least 1");
        }
        if (!retention.isPositive()) {
            throw new IllegalArgumentException("servelink.outbox.retention must be positive");
        }
    }
}
