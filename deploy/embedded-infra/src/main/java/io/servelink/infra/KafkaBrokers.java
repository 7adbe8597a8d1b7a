package io.servelink.infra;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Chooses the Kafka broker for this JVM, once: a Testcontainers broker when a Docker engine answers, otherwise
 * a real KRaft broker (combined controller and broker) inside this JVM. {@code SERVELINK_KAFKA=container|embedded}
 * forces a choice.
 */
public final class KafkaBrokers {

    private static final Logger log = LoggerFactory.getLogger(KafkaBrokers.class);
    private static volatile KafkaBroker shared;

    private KafkaBrokers() {
    }

    public static KafkaBroker shared() {
        if (shared == null) {
            synchronized (KafkaBrokers.class) {
                if (shared == null) {
                    String forced = System.getenv().getOrDefault("SERVELINK_KAFKA", "");
                    boolean container = forced.equals("container") || forced.isEmpty() && PostgresServers.Docker.available();
                    shared = container ? container() : inJvm(0);
                    log.info("Kafka for this JVM: {} at {}", shared.kind(), shared.bootstrapServers());
                }
            }
        }
        return shared;
    }

    private static KafkaBroker container() {
        KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.1");
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
        return new Running("container", kafka.getBootstrapServers());
    }

    /**
     * Starts a single-node KRaft broker in this JVM, listening on {@code port} (0: any free port). Internal
     * topics get one replica and consumer groups join without the initial rebalance delay. It stops when the JVM
     * exits, or earlier when closed.
     */
    public static InJvmKafkaBroker inJvm(int port) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperties(BROKER_PROPERTIES);
        if (port > 0) {
            broker.kafkaPorts(port);
        }
        return start(broker, false);
    }

    /**
     * Starts a single-node KRaft broker in this JVM with two listeners on free ports: the PLAINTEXT one of
     * {@link #inJvm(int)} (its {@link InJvmKafkaBroker#bootstrapServers()}, also used to manage SCRAM users) and
     * a {@code SASL_PLAINTEXT} one that authenticates clients with SCRAM-SHA-256
     * ({@link InJvmKafkaBroker#saslBootstrapServers()}; users from {@link InJvmKafkaBroker#addScramUser}).
     */
    public static InJvmKafkaBroker inJvmWithScram() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
        Map<String, String> properties = new HashMap<>(BROKER_PROPERTIES);
        // the test kit's own listeners (EXTERNAL for clients, CONTROLLER for the quorum) plus one with SASL
        properties.put("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0,"
                + InJvmKafkaBroker.SASL_LISTENER + "://localhost:0");
        properties.put("listener.security.protocol.map",
                "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + InJvmKafkaBroker.SASL_LISTENER + ":SASL_PLAINTEXT");
        properties.put("listener.name.sasl.sasl.enabled.mechanisms", "SCRAM-SHA-256");
        properties.put("listener.name.sasl.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        broker.brokerProperties(properties);
        return start(broker, true);
    }

    private static final Map<String, String> BROKER_PROPERTIES = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "5",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "true");

    private static InJvmKafkaBroker start(EmbeddedKafkaKraftBroker broker, boolean sasl) {
        broker.afterPropertiesSet();
        // the embedded broker publishes itself as this system property; services take it from their configuration
        System.clearProperty("spring.kafka.bootstrap-servers");
        InJvmKafkaBroker running = new InJvmKafkaBroker(broker, sasl);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close));
        return running;
    }

    record Running(String kind, String bootstrapServers) implements KafkaBroker {
    }
}
