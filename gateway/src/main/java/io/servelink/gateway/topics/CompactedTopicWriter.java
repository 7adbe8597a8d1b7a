package io.servelink.gateway.topics;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.KafkaClients;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes an operator API's changes to a compacted topic (the last value per key is the truth) and completes once the
 * broker has acknowledged them. A send that does not complete within {@code sendTimeout} becomes a 503 problem with
 * {@code retryAfter}: the change may still land later, and repeating it is harmless.
 */
public final class CompactedTopicWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicWriter.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String what;
    private final Duration sendTimeout;
    private final Duration retryAfter;

    /**
     * @param clientSuffix the producer's client id suffix
     * @param what         what the topic holds, for the problem shown when it is unavailable ("projects", "teams")
     */
    public CompactedTopicWriter(KafkaClients kafka, String clientSuffix, String topic, String what, Duration sendTimeout,
                                Duration retryAfter) {
        this.producer = new KafkaProducer<>(kafka.producerConfig(clientSuffix));
        this.topic = topic;
        this.what = what;
        this.sendTimeout = sendTimeout;
        this.retryAfter = retryAfter;
    }

    /** The key's new value. */
    public Mono<Void> put(String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /** A tombstone: the key is removed from every follower and, after compaction, from the topic. */
    public Mono<Void> remove(String key) {
        return send(new ProducerRecord<>(topic, key, null));
    }

    private Mono<Void> send(ProducerRecord<String, byte[]> record) {
        // send() itself may block while it fetches metadata, hence boundedElastic
        return Mono.<RecordMetadata>create(sink -> {
                    try {
                        producer.send(record, (metadata, error) -> {
                            if (error == null) {
                                sink.success(metadata);
                            } else {
                                sink.error(error);
                            }
                        });
                    } catch (RuntimeException e) {
                        sink.error(e);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(sendTimeout)
                .onErrorMap(e -> !(e instanceof ApiProblem), this::unavailable)
                .then();
    }

    private ApiProblem unavailable(Throwable cause) {
        log.warn("Topic {} unavailable: {}", topic, cause.toString());
        return ApiProblem.unavailable("The " + what + " topic is unavailable; the change may not have been applied, retry it",
                retryAfter);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
