package io.servelink.resources.payments;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.ServelinkAutoConfiguration.ProvisionedTopics;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.KafkaClients;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PaymentEventsConfiguration {

    /** Group {@code resources-service.payments} on the payments topic; offsets are committed after the effects are stored. */
    @Bean
    KafkaBatchConsumer paymentEventsConsumer(KafkaClients kafka, TopicNames topics, PaymentOutcomes outcomes, MeterRegistry registry,
                                             ObjectProvider<ProvisionedTopics> provisioned) {
        provisioned.ifAvailable(p -> { });
        return new KafkaBatchConsumer("payments", kafka, PaymentOutcomes.CONSUMER, List.of(topics.payments()), 100,
                outcomes::handle, registry);
    }
}
