package io.servelink.gateway.projects;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.gateway.topics.CompactedTopicFollower;
import io.servelink.starter.KafkaClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Follows the compacted projects topic into the {@link ProjectsRegistry}: every partition from the beginning, no consumer
 * group (each replica needs every project), resuming from its positions after a Kafka error so a removal whose tombstone
 * was compacted away meanwhile is not missed.
 */
@Configuration(proxyBeanMethods = false)
class ProjectsTopicConfiguration {

    @Bean
    CompactedTopicFollower<Project> projectsTopicFollower(ProjectsRegistry registry, KafkaClients kafka, TopicNames topics,
                                                          EventCodec codec, ProjectsSettings settings) {
        return new CompactedTopicFollower<>("projects-registry", topics.projects(), kafka,
                value -> Project.from(codec.decode(value, ProjectChanged.class).payload()), registry,
                settings.pollTimeout(), settings.retryBackoff());
    }
}
