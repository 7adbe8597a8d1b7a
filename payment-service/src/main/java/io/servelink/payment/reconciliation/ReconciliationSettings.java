package io.servelink.payment.reconciliation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.payment.reconciliation.*}: what a reconciliation run looks at; when it runs is the job's
 * ({@code servelink.jobs.reconciliation.*}).
 *
 * @param minAge    a payment is asked about once it has been open and unchanged this long
 * @param batchSize how many payments one run looks at, oldest first
 * @param expireAfter    how long after its creation a payment may stay open; then it is cancelled at the provider
 *                       and failed ({@code expired})
 */
@ConfigurationProperties("servelink.payment.reconciliation")
public record ReconciliationSettings(@DefaultValue("3m") Duration minAge, @DefaultValue("100") int batchSize,
                                     @DefaultValue("1h") Duration expireAfter) {
}
