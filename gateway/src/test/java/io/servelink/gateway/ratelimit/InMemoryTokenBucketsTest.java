package io.servelink.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryTokenBucketsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final InMemoryTokenBuckets buckets = new InMemoryTokenBuckets(100, nanos::get);
    private final RateLimitSettings.Bucket threePerBurstHalfPerSecond = new RateLimitSettings.Bucket(0.5, 3);

    @Test
    void allowsTheBurstThenRefusesWithTheTimeUntilTheNextToken() {
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond)).isEqualTo(new Decision(true, 2, Duration.ZERO));
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).remaining()).isEqualTo(1);
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).remaining()).isZero();

        Decision refused = buckets.takeNow("a", threePerBurstHalfPerSecond);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);
    }

    @Test
    void refillsAtTheConfiguredRateUpToTheBurstOnly() {
        for (int i = 0; i < 3; i++) {
            buckets.takeNow("a", threePerBurstHalfPerSecond);
        }
        nanos.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).allowed()).isFalse();
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).retryAfterSeconds()).isEqualTo(1);
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).allowed()).isTrue();

        nanos.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).remaining()).as("never more than the burst").isEqualTo(2);
    }

    @Test
    void keysAreIndependent() {
        for (int i = 0; i < 3; i++) {
            buckets.takeNow("a", threePerBurstHalfPerSecond);
        }
        assertThat(buckets.takeNow("a", threePerBurstHalfPerSecond).allowed()).isFalse();
        assertThat(buckets.takeNow("b", threePerBurstHalfPerSecond).allowed()).isTrue();
    }

    @Test
    void staysBoundedUnderASprayOfNewKeys() {
        for (int i = 0; i < 10_000; i++) {
            buckets.takeNow("address:" + i, threePerBurstHalfPerSecond);
            assertThat(buckets.size()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void forgetsRefilledBucketsBeforeBusyOnes() {
        InMemoryTokenBuckets small = new InMemoryTokenBuckets(10, nanos::get);
        for (int i = 0; i < 3; i++) {
            small.takeNow("busy", threePerBurstHalfPerSecond);
        }
        for (int i = 0; i < 8; i++) {
            small.takeNow("idle-" + i, threePerBurstHalfPerSecond);
        }
        nanos.addAndGet(Duration.ofMillis(100).toNanos());
        small.takeNow("idle-late", threePerBurstHalfPerSecond); // ten keys now
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());       // idle ones full again, busy has one token
        small.takeNow("newcomer", threePerBurstHalfPerSecond);  // trims: the full ones go first

        Decision busy = small.takeNow("busy", threePerBurstHalfPerSecond);
        assertThat(busy.allowed()).isTrue();
        assertThat(small.takeNow("busy", threePerBurstHalfPerSecond).allowed()).as("busy kept its state").isFalse();
    }
}
