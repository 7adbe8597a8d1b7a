package io.servelink.gateway.metering;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The only thread that talks to Kafka for traffic. It sends the oldest buffered events in one Kafka transaction
 * and removes them from the buffer once the transaction committed. A transaction that fails is aborted: its
 * records, even those the broker had already written, are never read by usage-service (it reads committed records
 * only), and the events, still buffered, go again in a new transaction. So a retry never makes a second copy of an
 * event, which is what lets usage-service count by consumed position instead of by event id. A commit that timed
 * out is only ever retried as a commit (Kafka refuses to abort it), so it is never sent twice either. While Kafka
 * is down the events stay buffered and it retries with a growing pause.
 */
class TrafficSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrafficSender.class);
    private static final long FAILURE_LOG_INTERVAL_MS = 30_000;
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    /** Where the current transaction stands. */
    private enum Step { NONE, OPEN, COMMITTING, ABORTING }

    private final TrafficEventBuffer buffer;
    private final Supplier<Producer<String, byte[]>> producers;
    private final String topic;
    private final MeteringSettings settings;
    private final Clock clock;
    private final Counter sent;
    private final Counter failures;
    private volatile boolean running;
    private volatile Thread thread;
    private long lastFailureLog;
    private volatile Producer<String, byte[]> producer;
    private boolean initialized;
    private Step step = Step.NONE;
    private List<PendingEvent> inTransaction = List.of();

    /**
     * @param producers makes a transactional producer (always with the same {@code transactional.id}: a new one
     *                  aborts what its predecessor left open) when there is none yet or the last one failed for good
     */
    TrafficSender(TrafficEventBuffer buffer, Supplier<Producer<String, byte[]>> producers, String topic, MeteringSettings settings,
                  MeterRegistry meters, Clock clock) {
        this.buffer = buffer;
        this.clock = clock;
        this.producers = producers;
        this.topic = topic;
        this.settings = settings;
        this.sent = Counter.builder("servelink.gateway.traffic.events.sent")
                .description("Traffic events acknowledged by Kafka").register(meters);
        this.failures = Counter.builder("servelink.gateway.traffic.send.failures")
                .description("Failed attempts to send traffic events (they stay buffered)").register(meters);
    }

    /** Wakes the sender when events arrive. */
    void wake() {
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    /**
     * Sends one batch of the oldest events in a transaction and removes them once it committed; after a failure it
     * first settles the failed transaction (commits what was committing, aborts the rest).
     *
     * @return how many events were committed; zero means a failure (the events are still buffered)
     */
    int sendBatch(List<PendingEvent> batch) {
        try {
            if (producer == null) {
                producer = producers.get();
                initialized = false;
            }
            if (!initialized) {
                producer.initTransactions(); // a timeout here may be retried
                initialized = true;
            }
            if (step == Step.ABORTING) {
                producer.abortTransaction();
                step = Step.NONE;
            }
            if (step == Step.NONE) {
                inTransaction = List.copyOf(batch);
                producer.beginTransaction();
                step = Step.OPEN;
                inTransaction.forEach(event -> producer.send(new ProducerRecord<>(topic, event.projectId(), event.value())));
                step = Step.COMMITTING;
            }
            producer.commitTransaction();
        } catch (KafkaException | IllegalStateException e) {
            failures.increment();
            logFailure(e);
            settle(e);
            return 0;
        }
        step = Step.NONE;
        buffer.acknowledge(inTransaction);
        sent.increment(inTransaction.size());
        return inTransaction.size();
    }

    /**
     * After a failure: a commit that timed out must be retried (abortTransaction refuses while it is pending), any
     * other transaction is aborted — its events are sent again later — and a producer that failed for good is
     * closed (the next one, with the same transactional id, aborts what it left open).
     */
    private void settle(RuntimeException failure) {
        if (producer == null || step == Step.NONE) {
            return;
        }
        if (step == Step.COMMITTING && (failure instanceof TimeoutException || failure instanceof InterruptException)) {
            try {
                producer.abortTransaction(); // succeeds when the commit never started (a send had failed)
                step = Step.NONE;
            } catch (IllegalStateException commitPending) {
                return; // Kafka may have committed: only commitTransaction may follow
            } catch (TimeoutException | InterruptException e) {
                step = Step.ABORTING;
            } catch (KafkaException e) {
                replaceProducer();
            }
            return;
        }
        try {
            producer.abortTransaction();
            step = Step.NONE;
        } catch (TimeoutException | InterruptException e) {
            step = Step.ABORTING;
        } catch (KafkaException | IllegalStateException e) {
            replaceProducer();
        }
    }

    private void replaceProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("Closing a failed traffic producer", e);
        }
        producer = null;
        step = Step.NONE;
    }

    private void run() {
        IntervalFunction backoff = IntervalFunction.ofExponentialBackoff(settings.retryBackoff(), 2, settings.maxRetryBackoff());
        int failedInARow = 0;
        long drainUntil = Long.MAX_VALUE;
        while (running || System.nanoTime() < drainUntil) {
            if (!running && drainUntil == Long.MAX_VALUE) {
                drainUntil = System.nanoTime() + settings.shutdownGrace().toNanos();
            }
            List<PendingEvent> batch = buffer.peek(settings.batchSize());
            if (batch.isEmpty() && step == Step.NONE) {
                if (!running) {
                    return;
                }
                LockSupport.parkNanos(IDLE_WAIT.toNanos());
            } else if (sendBatch(batch) == 0) {
                failedInARow++;
                LockSupport.parkNanos(Duration.ofMillis(backoff.apply(failedInARow)).toNanos());
            } else {
                failedInARow = 0;
            }
        }
        if (buffer.size() > 0) {
            log.error("Gateway stopping with {} traffic event(s) not delivered to Kafka", buffer.size());
        }
    }

    private void logFailure(Exception failure) {
        long now = clock.millis();
        if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_MS) {
            lastFailureLog = now;
            log.warn("Kafka did not take {} traffic event(s) ({}); {} buffered, retrying", inTransaction.size(), failure.toString(),
                    buffer.size());
        }
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("traffic-sender").daemon().start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        Thread current = thread;
        wake();
        try {
            current.join(settings.shutdownGrace().plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Producer<String, byte[]> last = producer;
        if (last != null) {
            last.close(Duration.ofSeconds(1)); // aborts a transaction left open
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return TrafficMeter.PHASE - 1;
    }
}
