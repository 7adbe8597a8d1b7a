package io.servelink.contracts.events.entitlements;

/**
 * A team's limits: its plan's plus its active add-ons'. Bytes are decimal units (1 GB = 10^9 bytes).
 *
 * @param trafficBytesPerMonth network traffic allowed per calendar month (UTC), request plus response bodies
 * @param storageBytes         disk storage (volumes plus images)
 * @param ramMb                memory in MB
 * @param cpuCores             CPU cores
 */
public record EffectiveLimits(long trafficBytesPerMonth, long storageBytes, long ramMb, int cpuCores) {
}
