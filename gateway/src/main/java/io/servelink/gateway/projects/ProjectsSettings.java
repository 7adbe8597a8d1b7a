package io.servelink.gateway.projects;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The projects registry and the operator API ({@code servelink.gateway.projects.*}).
 *
 * @param pollTimeout  longest wait of one poll of the projects topic (changes apply within about this time)
 * @param retryBackoff pause before the follower reconnects after a Kafka error
 * @param sendTimeout  how long the operator API waits for the broker to acknowledge a change before a 503
 * @param retryAfter   the Retry-After the operator API suggests when Kafka is unavailable
 */
@ConfigurationProperties("servelink.gateway.projects")
record ProjectsSettings(
        @DefaultValue("200ms") Duration pollTimeout,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("5s") Duration sendTimeout,
        @DefaultValue("5s") Duration retryAfter) {
}
