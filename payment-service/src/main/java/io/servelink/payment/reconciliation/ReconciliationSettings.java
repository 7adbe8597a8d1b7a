package io.servelink.payment.reconciliation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.payment.reconciliation.*}.
 *
 * @param enabled   whether the schedule runs (the operator trigger works regardless)
 * @param interval  pause between two runs
 * @param minAge    a payment is asked about once it has been open and unchanged this long
 * @param batchSize how many payments one run looks at, oldest first
 * @param lockAtMostFor  how long a dead replica can hold the job lock
 * @param expireAfter    how long after its creation a payment may stay open; then it is cancelled at the provider
 *                       and failed ({@code expired})
 */
@ConfigurationProperties("servelink.payment.reconciliation")
public record ReconciliationSettings(@DefaultValue("true") boolean enabled, @DefaultValue("2m") Duration interval,
                                     @DefaultValue("3m") Duration minAge, @DefaultValue("100") int batchSize,
                                     @DefaultValue("10m") Duration lockAtMostFor,
                                     @DefaultValue("1h") Duration expireAfter) {
}
