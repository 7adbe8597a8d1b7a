package io.servelink.usage.traffic;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The traffic consumer ({@code servelink.usage.traffic.*}).
 *
 * @param maxBatch   records per batch: one transaction adds them up, so larger batches mean fewer, not larger, writes
 * @param members    consumer threads (each takes some of the topic's partitions)
 * @param fetchBytes most bytes fetched per partition and request (a traffic record is about 300 bytes)
 */
@Validated
@ConfigurationProperties("servelink.usage.traffic")
record TrafficSettings(@DefaultValue("10000") @Min(1) int maxBatch, @DefaultValue("3") @Min(1) int members,
                       @DefaultValue("2097152") @Min(1024) int fetchBytes) {
}
