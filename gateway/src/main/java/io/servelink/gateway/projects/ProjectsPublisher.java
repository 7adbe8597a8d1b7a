package io.servelink.gateway.projects;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.gateway.topics.CompactedTopicWriter;
import io.servelink.starter.KafkaClients;
import java.time.Clock;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes project changes to the compacted projects topic and completes once the broker has acknowledged them
 * ({@link CompactedTopicWriter}: a send that times out is a 503 problem; the change may still land later, and repeating
 * it is harmless since the topic keeps the last value per key).
 */
@Component
class ProjectsPublisher implements DisposableBean {

    private final CompactedTopicWriter writer;
    private final EventCodec codec;
    private final Clock clock;

    ProjectsPublisher(KafkaClients kafka, TopicNames topics, EventCodec codec, ProjectsSettings settings, Clock clock) {
        this.writer = new CompactedTopicWriter(kafka, "projects-admin", topics.projects(), "projects", settings.sendTimeout(),
                settings.retryAfter());
        this.codec = codec;
        this.clock = clock;
    }

    Mono<Project> publish(Project project) {
        return writer.put(project.id(), codec.encode(EventEnvelope.of(project.toEvent(), clock.instant()))).thenReturn(project);
    }

    /** A tombstone: the project is removed from every gateway and, after compaction, from the topic. */
    Mono<Void> remove(String projectId) {
        return writer.remove(projectId);
    }

    @Override
    public void destroy() {
        writer.close();
    }
}
