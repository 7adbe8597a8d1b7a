package io.servelink.gateway.sleep;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sleeping projects at the gateway ({@code servelink.gateway.sleep.*}).
 *
 * @param enabled             follow the projects' sleep states and answer a sleeping project's visitors; off, every
 *                            project is proxied (the benchmark's unmetered gateway)
 * @param hold                how long a visitor's request to a sleeping project waits for the project to wake before
 *                            the "waking up" answer; if it wakes in time the request is proxied. {@code 0s}: answer at once
 * @param retryAfter          {@code Retry-After} of the "waking up" answer, and the page's reload delay
 * @param wakeRequestInterval a replica publishes at most one wake request per project in this time
 * @param pollTimeout         longest wait of one poll of the sleep topic (a new state applies within about this time)
 * @param retryBackoff        pause before the follower reconnects after a Kafka error
 */
@ConfigurationProperties("servelink.gateway.sleep")
public record SleepSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("0s") Duration hold,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("5s") Duration wakeRequestInterval,
        @DefaultValue("200ms") Duration pollTimeout,
        @DefaultValue("1s") Duration retryBackoff) {
}
