package io.servelink.support.teams;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.starter.KafkaClients;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Follows the compacted teams topic into {@code teams} and {@code team_members}, each record in its own transaction.
 * A record keyed by a team slug is that team's newest state, or its removal (a tombstone, no value).
 */
@Configuration(proxyBeanMethods = false)
class TeamsConsumerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TeamsConsumerConfiguration.class);

    @Bean
    KafkaBatchConsumer teamsConsumer(KafkaClients kafka, TopicNames topics, TeamDirectory directory, EventCodec codec,
                                     TransactionalOperator transactions, MeterRegistry registry) {
        return new KafkaBatchConsumer("support-teams", kafka, "support-service.teams", List.of(topics.teams()), 200,
                records -> Flux.fromIterable(records)
                        .concatMap(record -> transactions.transactional(apply(record, directory, codec)))
                        .then(),
                registry);
    }

    private static Mono<Boolean> apply(ConsumerRecord<String, byte[]> record, TeamDirectory directory, EventCodec codec) {
        if (record.key() == null) {
            log.warn("Skipping teams record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return Mono.empty();
        }
        if (record.value() == null) {
            return directory.remove(record.key());
        }
        try {
            TeamChanged team = codec.decode(record.value(), TeamChanged.class).payload();
            if (!record.key().equals(team.teamSlug())) {
                log.warn("Skipping teams record at {}-{}@{}: key {} names another team than its payload", record.topic(),
                        record.partition(), record.offset(), record.key());
                return Mono.empty();
            }
            return directory.apply(team);
        } catch (EventCodec.MalformedEventException | IllegalArgumentException | NullPointerException e) {
            log.warn("Skipping malformed teams record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Mono.empty();
        }
    }
}
