package io.servelink.gateway.ratelimit;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Token buckets in this replica's memory, bounded: beyond {@code maxKeys} buckets, those that have refilled (which
 * are the same as absent) are forgotten first, then arbitrary ones (a forgotten bucket starts full again: an attacker
 * spraying addresses gets at most a fresh burst each, never unbounded memory). No lock is shared between keys.
 */
final class InMemoryTokenBuckets implements TokenBuckets {

    private final Map<String, State> buckets = new ConcurrentHashMap<>();
    private final int maxKeys;
    private final LongSupplier nanoTime;
    private final AtomicBoolean trimming = new AtomicBoolean();

    InMemoryTokenBuckets(int maxKeys, LongSupplier nanoTime) {
        this.maxKeys = maxKeys;
        this.nanoTime = nanoTime;
    }

    @Override
    public Mono<Decision> take(String key, RateLimitSettings.Bucket bucket) {
        return Mono.just(takeNow(key, bucket));
    }

    Decision takeNow(String key, RateLimitSettings.Bucket bucket) {
        long now = nanoTime.getAsLong();
        State state = buckets.get(key);
        if (state == null) {
            if (buckets.size() >= maxKeys) {
                trim(now);
            }
            state = buckets.computeIfAbsent(key, k -> new State(bucket.burst(), now));
        }
        return state.take(bucket, now);
    }

    int size() {
        return buckets.size();
    }

    /** Frees room for about a tenth of the capacity, so trimming is rare even under a spray of new keys. */
    private void trim(long now) {
        if (!trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            int target = Math.max(0, maxKeys - Math.max(1, maxKeys / 10));
            buckets.values().removeIf(state -> state.isFull(now));
            Iterator<String> keys = buckets.keySet().iterator();
            while (buckets.size() > target && keys.hasNext()) {
                keys.next();
                keys.remove();
            }
        } finally {
            trimming.set(false);
        }
    }

    private static final class State {

        private double tokens;
        private long refilledAt;
        private double rate;
        private int burst;

        State(int burst, long now) {
            this.tokens = burst;
            this.burst = burst;
            this.refilledAt = now;
        }

        synchronized Decision take(RateLimitSettings.Bucket bucket, long now) {
            rate = bucket.requestsPerSecond();
            burst = bucket.burst();
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Decision.allow((long) tokens);
            }
            long waitNanos = (long) Math.ceil((1 - tokens) / rate * 1e9);
            return Decision.refuse(Duration.ofNanos(waitNanos));
        }

        synchronized boolean isFull(long now) {
            if (rate == 0) {
                return tokens >= burst;
            }
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            long elapsed = Math.max(0, now - refilledAt);
            tokens = Math.min(burst, tokens + elapsed / 1e9 * rate);
            refilledAt = now;
        }
    }
}
