package io.servelink.contracts.events.usage;

/** What usage-service meters against limits. */
public enum UsageMetric {
    TRAFFIC,
    STORAGE
}
