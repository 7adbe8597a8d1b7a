package io.servelink.starter.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.TraceHeaders;
import io.servelink.starter.KafkaClients;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The outbox, its relay, the processed-events ledger and the job that prunes both, for services that set
 * {@code servelink.outbox.enabled}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
        "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration",
        "io.servelink.starter.ServelinkAutoConfiguration"})
@ConditionalOnClass(DatabaseClient.class)
@ConditionalOnProperty(name = "servelink.outbox.enabled", havingValue = "true")
@EnableConfigurationProperties(OutboxSettings.class)
public class OutboxAutoConfiguration {

    @Bean
    Outbox outbox(DatabaseClient db, EventCodec codec, ObjectProvider<TraceHeaders> tracing) {
        return new Outbox(db, codec, tracing.getIfAvailable(TraceHeaders::none));
    }

    @Bean
    ProcessedEvents processedEvents(DatabaseClient db) {
        return new ProcessedEvents(db);
    }

    @Bean
    OutboxRelay outboxRelay(DatabaseClient db, TransactionalOperator transactions, KafkaClients kafka, OutboxSettings settings,
                            MeterRegistry registry) {
        return new OutboxRelay(db, transactions, kafka, settings, registry);
    }

    @Bean
    EventRetention eventRetention(DatabaseClient db, OutboxSettings settings) {
        return new EventRetention(db, settings);
    }
}
