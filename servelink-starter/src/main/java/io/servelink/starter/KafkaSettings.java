package io.servelink.starter;

import io.servelink.contracts.events.TopicNames;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The suite's own Kafka settings ({@code servelink.kafka.*}). How clients connect (brokers, security, any client
 * property) is Spring Boot's {@code spring.kafka.*}; {@link KafkaClients} puts both together.
 *
 * @param topicNamespace  prefix of every topic name and consumer group; empty in production, per test class in tests
 * @param clientIdPrefix  client ids start with it (the service name), so broker metrics say who is who
 * @param requestTimeout  upper bound of a single broker request
 * @param provisionTopics create missing topics at start-up (local stack, tests; Kubernetes uses KafkaTopic resources)
 * @param partitions      partitions of provisioned topics
 */
@ConfigurationProperties("servelink.kafka")
public record KafkaSettings(
        @DefaultValue("") String topicNamespace,
        @DefaultValue("servelink") String clientIdPrefix,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("false") boolean provisionTopics,
        @DefaultValue("3") int partitions) {

    public TopicNames topics() {
        return new TopicNames(topicNamespace);
    }
}
