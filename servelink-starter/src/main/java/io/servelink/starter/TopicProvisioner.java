package io.servelink.starter;

import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the suite's topics where nobody else does (the local stack and tests); in Kubernetes they are
 * Strimzi KafkaTopic resources. Existing topics are left as they are.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    public static void createMissing(KafkaClients kafka, int partitions) {
        TopicNames names = kafka.topics();
        List<NewTopic> topics = Topics.ALL.stream().map(topic -> {
            NewTopic newTopic = new NewTopic(names.name(topic), partitions, (short) 1);
            return Topics.COMPACTED.contains(topic) ? newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)) : newTopic;
        }).toList();
        try (Admin admin = Admin.create(kafka.adminConfig("provisioner"))) {
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                    log.info("Created topic {}", name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name, e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Kafka did not create topic " + name + " in time", e);
                }
            });
        }
    }
}
