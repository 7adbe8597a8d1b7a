package io.servelink.usage.traffic;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.spring.KafkaClients;
import io.servelink.contracts.spring.kafka.KafkaBatchConsumer;
import io.servelink.usage.UsageChanged;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration(proxyBeanMethods = false)
class TrafficConsumerConfiguration {

    /**
     * @param maxBatch   records per batch: one transaction adds them up, so larger batches mean fewer, not larger, writes
     * @param members    consumer threads (each takes some of the topic's partitions)
     * @param fetchBytes most bytes fetched per partition and request (a traffic record is about 300 bytes)
     */
    @Bean
    KafkaBatchConsumer trafficConsumer(KafkaClients kafka, TopicNames topics, DatabaseClient db, TransactionalOperator transactions,
                                       EventCodec codec, MeterRegistry registry, ApplicationEventPublisher events,
                                       @Value("${servelink.usage.traffic.max-batch:10000}") int maxBatch,
                                       @Value("${servelink.usage.traffic.members:3}") int members,
                                       @Value("${servelink.usage.traffic.fetch-bytes:2097152}") int fetchBytes) {
        TrafficIngestion ingestion = new TrafficIngestion(db, transactions, codec, registry,
                projects -> events.publishEvent(UsageChanged.ofProjects(projects)));
        KafkaBatchConsumer.Tuning tuning = new KafkaBatchConsumer.Tuning(maxBatch, members, Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(fetchBytes * 3, ConsumerConfig.DEFAULT_FETCH_MAX_BYTES)));
        return new KafkaBatchConsumer("traffic", kafka, "usage-service.traffic", List.of(topics.traffic()), tuning, ingestion, registry);
    }
}
