package io.servelink.support.entitlements;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.KafkaClients;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Follows the compacted entitlements topic into {@code team_entitlements}. */
@Configuration(proxyBeanMethods = false)
class EntitlementsConsumerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EntitlementsConsumerConfiguration.class);

    @Bean
    KafkaBatchConsumer entitlementsConsumer(KafkaClients settings, TopicNames topics, TeamPlans plans, EventCodec codec,
                                            MeterRegistry registry) {
        return new KafkaBatchConsumer("support-entitlements", settings, "support-service.entitlements",
                List.of(topics.entitlements()), 200, records -> apply(records, plans, codec), registry);
    }

    private static Mono<Void> apply(List<ConsumerRecord<String, byte[]>> records, TeamPlans plans, EventCodec codec) {
        return Flux.fromIterable(records)
                .concatMap(record -> decode(record, codec).flatMap(plans::apply))
                .then();
    }

    private static Mono<EntitlementsChanged> decode(ConsumerRecord<String, byte[]> record, EventCodec codec) {
        try {
            return Mono.just(codec.decode(record.value(), EntitlementsChanged.class).payload());
        } catch (EventCodec.MalformedEventException e) {
            log.warn("Skipping malformed entitlements record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Mono.empty();
        }
    }
}
