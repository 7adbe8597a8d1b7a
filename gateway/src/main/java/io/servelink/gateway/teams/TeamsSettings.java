package io.servelink.gateway.teams;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator API of teams and its follower of the teams topic ({@code servelink.gateway.teams.*}).
 *
 * @param pollTimeout  longest wait of one poll of the teams topic (a change is readable back within about this time)
 * @param retryBackoff pause before the follower reconnects after a Kafka error
 * @param sendTimeout  how long the operator API waits for the broker to acknowledge a change before a 503
 * @param retryAfter   the Retry-After the operator API suggests when Kafka is unavailable
 */
@ConfigurationProperties("servelink.gateway.teams")
record TeamsSettings(
        @DefaultValue("200ms") Duration pollTimeout,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("5s") Duration sendTimeout,
        @DefaultValue("5s") Duration retryAfter) {
}
