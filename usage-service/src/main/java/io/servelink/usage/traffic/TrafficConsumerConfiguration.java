package io.servelink.usage.traffic;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.spring.KafkaSettings;
import io.servelink.contracts.spring.kafka.KafkaBatchConsumer;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import io.servelink.usage.UsageChanged;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration(proxyBeanMethods = false)
class TrafficConsumerConfiguration {

    @Bean
    KafkaBatchConsumer trafficConsumer(KafkaSettings kafka, TopicNames topics, DatabaseClient db, TransactionalOperator transactions,
                                       EventCodec codec, MeterRegistry registry, ApplicationEventPublisher events,
                                       @Value("${servelink.usage.traffic.max-batch:5000}") int maxBatch) {
        TrafficIngestion ingestion = new TrafficIngestion(db, transactions, codec, registry,
                projects -> events.publishEvent(UsageChanged.ofProjects(projects)));
        return new KafkaBatchConsumer("traffic", kafka, "usage-service.traffic", List.of(topics.traffic()), maxBatch, ingestion, registry);
    }
}
