package io.servelink.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits at the gateway ({@code servelink.gateway.rate-limits.*}): token buckets per client address (every
 * request, project ingress included) and per team (authenticated {@code /api/**} calls).
 *
 * @param enabled        off only for benchmarks of the bare proxy path
 * @param backend        {@code auto} (Redis when {@code spring.data.redis.host} or {@code url} is set, else memory),
 *                       {@code memory} or {@code redis}
 * @param perAddress     bucket of one client address (IPv6: its /64)
 * @param perTeam        bucket of one team (the path's team if the token names it, else the token's only team,
 *                       else the token's subject)
 * @param trustedProxies addresses or CIDR ranges of proxies in front of the gateway (a load balancer, an ingress
 *                       controller): only through them is {@code X-Forwarded-For} believed; empty = never
 * @param redisKeyPrefix prefix of the Redis keys (one hash per bucket, expiring once full again)
 * @param redisTimeout   longest wait for Redis; beyond it (or on any Redis error) this replica's memory buckets decide
 * @param maxMemoryKeys  most buckets kept in memory; beyond it full buckets, then arbitrary ones, are forgotten
 */
@ConfigurationProperties("servelink.gateway.rate-limits")
public record RateLimitSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("auto") Backend backend,
        @DefaultValue({"100", "200"}) Bucket perAddress,
        @DefaultValue({"20", "40"}) Bucket perTeam,
        @DefaultValue List<String> trustedProxies,
        @DefaultValue("servelink:rate-limit:") String redisKeyPrefix,
        @DefaultValue("50ms") Duration redisTimeout,
        @DefaultValue("100000") int maxMemoryKeys) {

    public enum Backend { AUTO, MEMORY, REDIS }

    /**
     * A token bucket: {@code burst} requests at once, refilled at {@code requestsPerSecond} (fractions allowed,
     * e.g. 0.5 = one request every 2 s).
     */
    public record Bucket(double requestsPerSecond, int burst) {

        public Bucket {
            if (!(requestsPerSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("servelink.gateway.rate-limits: requests-per-second must be > 0 and burst >= 1");
            }
        }
    }

    public RateLimitSettings {
        if (maxMemoryKeys < 1) {
            throw new IllegalArgumentException("servelink.gateway.rate-limits.max-memory-keys must be positive");
        }
        if (redisTimeout.isNegative() || redisTimeout.isZero()) {
            throw new IllegalArgumentException("servelink.gateway.rate-limits.redis-timeout must be positive");
        }
    }
}
