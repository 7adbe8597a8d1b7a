package io.servelink.gateway.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Traffic limits at the gateway ({@code servelink.gateway.limits.*}).
 *
 * @param enabled      follow the team usage states and stop serving the projects of teams over their limit; off, no
 *                     team is ever stopped (the benchmark's unmetered gateway)
 * @param pollTimeout  longest wait of one poll of the team usage state topic (a new state applies within about this time)
 * @param retryBackoff pause before the follower reconnects after a Kafka error
 */
@ConfigurationProperties("servelink.gateway.limits")
public record LimitsSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("200ms") Duration pollTimeout,
        @DefaultValue("1s") Duration retryBackoff) {
}
