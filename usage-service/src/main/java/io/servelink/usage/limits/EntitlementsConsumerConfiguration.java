package io.servelink.usage.limits;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.KafkaClients;
import java.time.Clock;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

@Configuration(proxyBeanMethods = false)
class EntitlementsConsumerConfiguration {

    @Bean
    KafkaBatchConsumer entitlementsConsumer(KafkaClients kafka, TopicNames topics, DatabaseClient db, TransactionalOperator transactions,
                                            EventCodec codec, MeterRegistry registry, Clock clock, ApplicationEventPublisher events) {
        return new KafkaBatchConsumer("entitlements", kafka, "usage-service.entitlements", List.of(topics.entitlements()), 500,
                new EntitlementsIngestion(db, transactions, codec, clock, events::publishEvent), registry);
    }
}
