package io.servelink.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Token buckets shared by all gateway replicas in Redis: one Lua script per request takes a token atomically
 * (Redis's clock, one round trip). Redis must never stop traffic or slow it much: after {@code timeout}, or on any
 * Redis error, this replica's memory buckets decide instead (counted in
 * {@code servelink.gateway.rate_limit.redis.fallbacks}, logged at most every 30 s).
 */
final class RedisTokenBuckets implements TokenBuckets {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final RedisScript<List<Long>> SCRIPT = (RedisScript) RedisScript.of(
            new ClassPathResource("ratelimit/token-bucket.lua"), List.class);

    private final ReactiveStringRedisTemplate redis;
    private final String keyPrefix;
    private final Duration timeout;
    private final TokenBuckets fallback;
    private final Counter fallbacks;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    RedisTokenBuckets(ReactiveStringRedisTemplate redis, String keyPrefix, Duration timeout, TokenBuckets fallback,
                      MeterRegistry meters) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
        this.fallback = fallback;
        this.fallbacks = Counter.builder("servelink.gateway.rate_limit.redis.fallbacks")
                .description("Rate-limit decisions taken in memory because Redis failed or was slow").register(meters);
    }

    @Override
    public Mono<Decision> take(String key, RateLimitSettings.Bucket bucket) {
        return redis.execute(SCRIPT, List.of(keyPrefix + key),
                        List.of(Double.toString(bucket.requestsPerSecond()), Integer.toString(bucket.burst())))
                .next()
                .map(RedisTokenBuckets::decision)
                .timeout(timeout)
                .onErrorResume(e -> fallBack(key, bucket, e));
    }

    private static Decision decision(List<Long> reply) {
        return reply.get(0) == 1 ? Decision.allow(reply.get(1)) : Decision.refuse(Duration.ofMillis(reply.get(2)));
    }

    private Mono<Decision> fallBack(String key, RateLimitSettings.Bucket bucket, Throwable e) {
        fallbacks.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            log.warn("Rate limits decided in memory: Redis failed or answered slower than {} ({})", timeout,
                    e.getClass().getSimpleName());
        }
        return fallback.take(key, bucket);
    }
}
