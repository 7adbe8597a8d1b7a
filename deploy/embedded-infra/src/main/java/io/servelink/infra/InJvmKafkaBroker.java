package io.servelink.infra;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single-node KRaft broker (combined controller and broker) in this JVM. Its broker side can be stopped and
 * started again, as an operator would restart a broker: clients see the port closed meanwhile, and afterwards
 * the same port answers with the topics, records and committed consumer offsets it had.
 */
public final class InJvmKafkaBroker implements KafkaBroker, AutoCloseable {

    private final EmbeddedKafkaKraftBroker embedded;
    private final AtomicBoolean closed = new AtomicBoolean();

    InJvmKafkaBroker(EmbeddedKafkaKraftBroker embedded) {
        this.embedded = embedded;
    }

    @Override
    public String kind() {
        return "in-JVM KRaft broker";
    }

    @Override
    public String bootstrapServers() {
        return embedded.getBrokersAsString();
    }

    /** Shuts the broker down (its listener closes; the controller and the data stay). */
    public void stopBroker() {
        BrokerServer broker = broker();
        broker.shutdown(Duration.ofSeconds(30));
        broker.awaitShutdown();
    }

    /** Starts the stopped broker again on the same port, with its data. */
    public void startBroker() {
        broker().startup();
    }

    private BrokerServer broker() {
        return embedded.getCluster().brokers().values().iterator().next();
    }

    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            embedded.destroy();
        }
    }
}
