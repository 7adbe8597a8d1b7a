package io.servelink.gateway.teams;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.gateway.topics.CompactedTopicFollower;
import io.servelink.starter.KafkaClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Follows the teams topic into the {@link TeamsRegistry}, so the operator API reads back what the topic holds. */
@Configuration(proxyBeanMethods = false)
class TeamsTopicConfiguration {

    @Bean
    CompactedTopicFollower<TeamChanged> teamsTopicFollower(TeamsRegistry registry, KafkaClients kafka, TopicNames topics,
                                                           EventCodec codec, TeamsSettings settings) {
        return new CompactedTopicFollower<>("teams-registry", topics.teams(), kafka,
                value -> codec.decode(value, TeamChanged.class).payload(), registry, settings.pollTimeout(), settings.retryBackoff());
    }
}
