package io.servelink.contracts.spring.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.outbox.*}: whether this service relays an outbox, how often, how much per round, and after
 * how many failed attempts a row is parked.
 */
@ConfigurationProperties("servelink.outbox")
public record OutboxSettings(@DefaultValue("false") boolean enabled, @DefaultValue("500ms") Duration interval,
                             @DefaultValue("200") int batchSize, @DefaultValue("20") int maxAttempts) {
}
