package io.servelink.gateway.projects;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.KafkaClients;
import java.time.Clock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes project changes to the compacted projects topic and completes once the broker has acknowledged them.
 * A change that times out may still land later; repeating it is harmless (the topic keeps the last value per key).
 */
@Component
class ProjectsPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ProjectsPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final EventCodec codec;
    private final ProjectsSettings settings;
    private final Clock clock;

    ProjectsPublisher(KafkaClients kafka, TopicNames topics, EventCodec codec, ProjectsSettings settings, Clock clock) {
        this.producer = new KafkaProducer<>(kafka.producerConfig("projects-admin"));
        this.topic = topics.projects();
        this.codec = codec;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<Project> publish(Project project) {
        byte[] value = codec.encode(EventEnvelope.of(project.toEvent(), clock.instant()));
        return send(new ProducerRecord<>(topic, project.id(), value)).thenReturn(project);
    }

    /** A tombstone: the project is removed from every gateway and, after compaction, from the topic. */
    Mono<Void> remove(String projectId) {
        return send(new ProducerRecord<>(topic, projectId, null)).then();
    }

    private Mono<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
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
                .timeout(settings.sendTimeout())
                .onErrorMap(e -> !(e instanceof ApiProblem), this::unavailable);
    }

    private ApiProblem unavailable(Throwable cause) {
        log.warn("Projects topic {} unavailable: {}", topic, cause.toString());
        return ApiProblem.unavailable("The projects topic is unavailable; the change may not have been applied, retry it",
                settings.retryAfter());
    }

    @Override
    public void destroy() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
