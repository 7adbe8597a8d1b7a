package io.servelink.usage.inactivity;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaClients;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.outbox.ProcessedEvents;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The consumers that wake sleeping projects: visitors' wake requests, and teams becoming Pro. */
@Configuration(proxyBeanMethods = false)
class WakeConsumersConfiguration {

    @Bean
    KafkaBatchConsumer wakeRequestsConsumer(KafkaClients kafka, TopicNames topics, ProcessedEvents processed, ProjectSleeps sleeps,
                                            TransactionalOperator transactions, EventCodec codec, MeterRegistry registry, Clock clock) {
        return new KafkaBatchConsumer("wake-requests", kafka, WakeRequests.CONSUMER, List.of(topics.projectWakeRequests()), 500,
                new WakeRequests(processed, sleeps, transactions, codec, clock), registry);
    }

    @Bean
    KafkaBatchConsumer planWakesConsumer(KafkaClients kafka, TopicNames topics, ProcessedEvents processed, ProjectSleeps sleeps,
                                         TransactionalOperator transactions, EventCodec codec, MeterRegistry registry, Clock clock) {
        return new KafkaBatchConsumer("plan-wakes", kafka, PlanWakes.CONSUMER, List.of(topics.entitlements()), 500,
                new PlanWakes(processed, sleeps, transactions, codec, clock), registry);
    }
}
