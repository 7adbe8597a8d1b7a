package io.servelink.usage.projects;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.KafkaClients;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration(proxyBeanMethods = false)
class ProjectsConsumerConfiguration {

    @Bean
    KafkaBatchConsumer projectsConsumer(KafkaClients kafka, TopicNames topics, DatabaseClient db, TransactionalOperator transactions,
                                        EventCodec codec, MeterRegistry registry, Clock clock) {
        return new KafkaBatchConsumer("projects", kafka, "usage-service.projects", List.of(topics.projects()), 500,
                new ProjectDirectory(db, transactions, codec, clock), registry);
    }
}
