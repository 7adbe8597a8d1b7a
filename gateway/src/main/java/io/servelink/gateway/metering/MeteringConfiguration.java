package io.servelink.gateway.metering;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.KafkaClients;
import io.servelink.gateway.ingress.IngressHosts;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metering of project traffic; {@code servelink.gateway.metering.enabled=false} leaves the proxy path untouched. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "servelink.gateway.metering.enabled", havingValue = "true", matchIfMissing = true)
class MeteringConfiguration {

    @Bean
    TrafficEventBuffer trafficEventBuffer(MeteringSettings settings) {
        return new TrafficEventBuffer(settings.bufferCapacity());
    }

    @Bean
    TrafficSender trafficSender(TrafficEventBuffer buffer, KafkaClients kafka, TopicNames topics, MeteringSettings settings,
                                MeterRegistry meters, Clock clock) {
        Map<String, Object> config = kafka.producerConfig("traffic");
        if (settings.bootstrapServers() != null && !settings.bootstrapServers().isBlank()) {
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        }
        // One id per gateway process: a replica never fences another. A transaction this process leaves open by
        // crashing holds back read-committed consumers of its partitions until the broker aborts it after the timeout.
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "servelink-gateway-traffic-" + UUID.randomUUID());
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) kafka.requestTimeout().multipliedBy(3).toMillis());
        return new TrafficSender(buffer, () -> new KafkaProducer<>(config), topics.traffic(), settings, meters, clock);
    }

    @Bean
    TrafficMeter trafficMeter(TrafficEventBuffer buffer, TrafficSender sender, EventCodec codec, MeteringSettings settings,
                              MeterRegistry meters, Clock clock) {
        TrafficMeter meter = new TrafficMeter(buffer, codec, settings, meters, clock);
        meter.onEvents(sender::wake);
        return meter;
    }

    @Bean
    MeteringFilter meteringFilter(TrafficMeter meter, IngressHosts hosts) {
        return new MeteringFilter(meter, hosts);
    }
}
