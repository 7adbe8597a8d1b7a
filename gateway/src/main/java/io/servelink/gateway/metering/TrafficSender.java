package io.servelink.gateway.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The only thread that talks to Kafka for traffic: it sends the oldest buffered events and removes them once
 * acknowledged. While Kafka is down the events stay buffered and it retries with a growing pause; a send whose
 * outcome is unclear may be repeated, which is safe because usage-service dedupes by event id.
 */
class TrafficSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrafficSender.class);
    private static final long FAILURE_LOG_INTERVAL_MS = 30_000;
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    private final TrafficEventBuffer buffer;
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final MeteringSettings settings;
    private final Counter sent;
    private final Counter failures;
    private volatile boolean running;
    private volatile Thread thread;
    private long lastFailureLog;

    TrafficSender(TrafficEventBuffer buffer, Producer<String, byte[]> producer, String topic, MeteringSettings settings,
                  MeterRegistry meters) {
        this.buffer = buffer;
        this.producer = producer;
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
     * Sends one batch of the oldest events and removes those Kafka acknowledged.
     *
     * @return how many were acknowledged; fewer than the batch means a failure
     */
    int sendBatch(List<PendingEvent> batch) {
        List<Future<RecordMetadata>> futures = new ArrayList<>(batch.size());
        Exception failure = null;
        for (PendingEvent event : batch) {
            try {
                futures.add(producer.send(new ProducerRecord<>(topic, event.projectId(), event.value())));
            } catch (KafkaException e) {
                failure = e;
                break;
            }
        }
        List<PendingEvent> acknowledged = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                futures.get(i).get();
                acknowledged.add(batch.get(i));
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof Exception cause ? cause : e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        buffer.acknowledge(acknowledged);
        sent.increment(acknowledged.size());
        if (failure != null) {
            failures.increment();
            logFailure(batch.size() - acknowledged.size(), failure);
        }
        return acknowledged.size();
    }

    private void run() {
        Duration backoff = settings.retryBackoff();
        long drainUntil = Long.MAX_VALUE;
        while (running || System.nanoTime() < drainUntil) {
            if (!running && drainUntil == Long.MAX_VALUE) {
                drainUntil = System.nanoTime() + settings.shutdownGrace().toNanos();
            }
            List<PendingEvent> batch = buffer.peek(settings.batchSize());
            if (batch.isEmpty()) {
                if (!running) {
                    return;
                }
                LockSupport.parkNanos(IDLE_WAIT.toNanos());
            } else if (sendBatch(batch) < batch.size()) {
                LockSupport.parkNanos(backoff.toNanos());
                backoff = backoff.multipliedBy(2).compareTo(settings.maxRetryBackoff()) > 0 ? settings.maxRetryBackoff() : backoff.multipliedBy(2);
            } else {
                backoff = settings.retryBackoff();
            }
        }
        if (buffer.size() > 0) {
            log.error("Gateway stopping with {} traffic event(s) not delivered to Kafka", buffer.size());
        }
    }

    private void logFailure(int unsent, Exception failure) {
        long now = System.currentTimeMillis();
        if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_MS) {
            lastFailureLog = now;
            log.warn("Kafka did not take {} traffic event(s) ({}); {} buffered, retrying", unsent, failure.toString(),
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
        producer.close(Duration.ofSeconds(1));
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
