package io.servelink.usage.traffic;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.KafkaClients;
import io.servelink.usage.UsageChanged;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration(proxyBeanMethods = false)
class TrafficConsumerConfiguration {

    @Bean
    KafkaBatchConsumer trafficConsumer(KafkaClients kafka, TopicNames topics, DatabaseClient db, TransactionalOperator transactions,
                                       EventCodec codec, MeterRegistry registry, ApplicationEventPublisher events,
                                       TrafficSettings settings) {
        int fetchBytes = settings.fetchBytes();
        TrafficIngestion ingestion = new TrafficIngestion(db, transactions, codec, registry,
                projects -> events.publishEvent(UsageChanged.ofProjects(projects)));
        KafkaBatchConsumer.Tuning tuning = new KafkaBatchConsumer.Tuning(settings.maxBatch(), settings.members(), Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(fetchBytes * 3, ConsumerConfig.DEFAULT_FETCH_MAX_BYTES)));
        return new KafkaBatchConsumer("traffic", kafka, "usage-service.traffic", List.of(topics.traffic()), tuning, ingestion, registry);
    }
}
