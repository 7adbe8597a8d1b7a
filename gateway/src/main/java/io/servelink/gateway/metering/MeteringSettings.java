package io.servelink.gateway.metering;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Byte metering of project traffic ({@code servelink.gateway.metering.*}).
 *
 * @param enabled          count bytes and publish traffic events (off only to measure the metering's own cost)
 * @param window           length of a traffic window: one event per active project per window
 * @param bufferCapacity   events kept while Kafka is slow or down; beyond it new events are dropped and counted
 * @param batchSize        most events the sender hands to the producer at once
 * @param retryBackoff     first pause after a failed send (doubles up to {@code maxRetryBackoff})
 * @param maxRetryBackoff  longest pause between attempts while Kafka is down
 * @param bootstrapServers brokers for traffic events when they differ from {@code spring.kafka.bootstrap-servers}
 * @param shutdownGrace    how long the sender tries to deliver the buffer when the gateway stops
 */
@ConfigurationProperties("servelink.gateway.metering")
record MeteringSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") Duration window,
        @DefaultValue("100000") int bufferCapacity,
        @DefaultValue("500") int batchSize,
        @DefaultValue("500ms") Duration retryBackoff,
        @DefaultValue("10s") Duration maxRetryBackoff,
        String bootstrapServers,
        @DefaultValue("5s") Duration shutdownGrace) {

    MeteringSettings {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("servelink.gateway.metering.window must be positive");
        }
        if (bufferCapacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("servelink.gateway.metering.buffer-capacity and batch-size must be positive");
        }
    }
}
