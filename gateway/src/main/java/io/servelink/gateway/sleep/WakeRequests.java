package io.servelink.gateway.sleep;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.activity.ProjectWakeRequested;
import io.servelink.starter.KafkaClients;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes {@link ProjectWakeRequested} to {@code servelink.project-wake-requests.v1} (key project id) when a visitor
 * reaches a sleeping project: at most one per project per {@code wake-request-interval} from this replica, whatever
 * the number of visitors (usage-service wakes the project once, however many requests arrive from all replicas). The
 * visitor never waits for Kafka: the record is sent from {@code boundedElastic}; a failed send frees the project's
 * slot, so the next visitor tries again. The producer is made on first use.
 */
@Component
public class WakeRequests implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WakeRequests.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final KafkaClients kafka;
    private final String topic;
    private final EventCodec codec;
    private final Clock clock;
    private final long intervalMillis;
    private final String gateway;
    /** When this replica last sent a request per project (bounded by the number of projects ever seen asleep). */
    private final Map<String, AtomicLong> lastSent = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter failed;
    private final Counter throttled;
    private volatile KafkaProducer<String, byte[]> producer;

    WakeRequests(KafkaClients kafka, TopicNames topics, EventCodec codec, Clock clock, SleepSettings settings, MeterRegistry meters) {
        this.kafka = kafka;
        this.topic = topics.projectWakeRequests();
        this.codec = codec;
        this.clock = clock;
        this.intervalMillis = settings.wakeRequestInterval().toMillis();
        String host = System.getenv("HOSTNAME");
        this.gateway = host != null && !host.isBlank() ? host : "gateway-" + UUID.randomUUID().toString().substring(0, 8);
        this.sent = Counter.builder("servelink.gateway.wake.requests").tag("outcome", "sent")
                .description("Wake requests the broker acknowledged").register(meters);
        this.failed = Counter.builder("servelink.gateway.wake.requests").tag("outcome", "failed")
                .description("Wake requests that could not be sent (the next visitor tries again)").register(meters);
        this.throttled = Counter.builder("servelink.gateway.wake.requests").tag("outcome", "throttled")
                .description("Visits to a sleeping project that this replica had asked to wake a moment before").register(meters);
    }

    /** A visitor reached the sleeping project: asks for it to wake, unless this replica asked a moment ago. */
    public void request(String projectId) {
        long now = clock.millis();
        AtomicLong last = lastSent.computeIfAbsent(projectId, id -> new AtomicLong(NEVER));
        long previous = last.get();
        if (previous != NEVER && now - previous < intervalMillis || !last.compareAndSet(previous, now)) {
            throttled.increment();
            return;
        }
        ProjectWakeRequested request = new ProjectWakeRequested(projectId, clock.instant(), gateway);
        // send() may block while it fetches metadata: never on an event loop
        Schedulers.boundedElastic().schedule(() -> send(request, last, now));
    }

    private void send(ProjectWakeRequested request, AtomicLong last, long claimedAt) {
        try {
            byte[] value = codec.encode(EventEnvelope.of(request, request.requestedAt()));
            producer().send(new ProducerRecord<>(topic, request.projectId(), value), (metadata, error) -> {
                if (error == null) {
                    sent.increment();
                } else {
                    failedToSend(request, last, claimedAt, error);
                }
            });
        } catch (RuntimeException e) {
            failedToSend(request, last, claimedAt, e);
        }
    }

    private void failedToSend(ProjectWakeRequested request, AtomicLong last, long claimedAt, Throwable error) {
        failed.increment();
        last.compareAndSet(claimedAt, NEVER);
        log.warn("Wake request for project {} not sent to {}: {}", request.projectId(), topic, error.toString());
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                current = producer;
                if (current == null) {
                    current = new KafkaProducer<>(kafka.producerConfig("wake-requests"));
                    producer = current;
                }
            }
        }
        return current;
    }

    @Override
    public void destroy() {
        KafkaProducer<String, byte[]> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
