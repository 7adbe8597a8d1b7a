package io.servelink.gateway.sleep;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.activity.ProjectSleepState;
import io.servelink.gateway.topics.CompactedTopicFollower;
import io.servelink.starter.KafkaClients;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Follows the projects' sleep states (unless {@code servelink.gateway.sleep.enabled=false}) and reports readiness. */
@Configuration(proxyBeanMethods = false)
class SleepConfiguration {

    @Bean
    @ConditionalOnProperty(name = "servelink.gateway.sleep.enabled", havingValue = "true", matchIfMissing = true)
    CompactedTopicFollower<ProjectSleepState> projectSleepFollower(ProjectSleepStates states, KafkaClients kafka, TopicNames topics,
            EventCodec codec, SleepSettings settings) {
        return new CompactedTopicFollower<>("project-sleep", topics.projectSleep(), kafka,
                bytes -> codec.decode(bytes, ProjectSleepState.class).payload(), states, settings.pollTimeout(), settings.retryBackoff());
    }

    /** Part of readiness: a replica that has not read every sleep state yet would proxy to projects that are asleep. */
    @Bean
    HealthIndicator projectSleepTopicHealthIndicator(ProjectSleepStates states) {
        return () -> states.isCaughtUp()
                ? Health.up().withDetail("projects", states.size()).withDetail("asleep", states.asleepCount()).build()
                : Health.down().withDetail("reason", "still reading the project sleep topic").build();
    }
}
