package io.servelink.gateway.limits;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.gateway.topics.CompactedTopicFollower;
import io.servelink.starter.KafkaClients;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Follows the team usage states (unless {@code servelink.gateway.limits.enabled=false}) and reports readiness. */
@Configuration(proxyBeanMethods = false)
class LimitsConfiguration {

    @Bean
    @ConditionalOnProperty(name = "servelink.gateway.limits.enabled", havingValue = "true", matchIfMissing = true)
    CompactedTopicFollower<TeamUsageState> teamUsageStateFollower(TeamUsageStates states, KafkaClients kafka, TopicNames topics,
            EventCodec codec, LimitsSettings settings) {
        return new CompactedTopicFollower<>("team-usage-state", topics.teamUsageState(), kafka,
                bytes -> codec.decode(bytes, TeamUsageState.class).payload(), states, settings.pollTimeout(), settings.retryBackoff());
    }

    /**
     * Part of readiness: a replica that has not read every team's state yet would serve teams that are over their
     * limit.
     */
    @Bean
    HealthIndicator teamUsageStateTopicHealthIndicator(TeamUsageStates states) {
        return () -> states.isCaughtUp()
                ? Health.up().withDetail("teams", states.size()).withDetail("blocked", states.blockedCount()).build()
                : Health.down().withDetail("reason", "still reading the team usage state topic").build();
    }
}
