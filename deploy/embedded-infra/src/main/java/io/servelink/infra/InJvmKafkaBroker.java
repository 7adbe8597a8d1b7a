package io.servelink.infra;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.network.ListenerName;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single-node KRaft broker (combined controller and broker) in this JVM. Its broker side can be stopped and
 * started again, as an operator would restart a broker: clients see the port closed meanwhile, and afterwards
 * the same port answers with the topics, records and committed consumer offsets it had.
 */
public final class InJvmKafkaBroker implements KafkaBroker, AutoCloseable {

    /** Name of the SASL_PLAINTEXT listener a broker from {@link KafkaBrokers#inJvmWithScram()} has. */
    static final String SASL_LISTENER = "SASL";

    private final EmbeddedKafkaKraftBroker embedded;
    private final boolean sasl;
    private final AtomicBoolean closed = new AtomicBoolean();

    InJvmKafkaBroker(EmbeddedKafkaKraftBroker embedded, boolean sasl) {
        this.embedded = embedded;
        this.sasl = sasl;
    }

    @Override
    public String kind() {
        return "in-JVM KRaft broker";
    }

    @Override
    public String bootstrapServers() {
        return embedded.getBrokersAsString();
    }

    /** The SASL_PLAINTEXT (SCRAM-SHA-256) listener of a broker from {@link KafkaBrokers#inJvmWithScram()}. */
    public String saslBootstrapServers() {
        if (!sasl) {
            throw new IllegalStateException("This broker has no SASL listener");
        }
        return "localhost:" + broker().boundPort(ListenerName.normalised(SASL_LISTENER));
    }

    /** Creates or replaces a SCRAM-SHA-256 user and waits until the SASL listener accepts it. */
    public void addScramUser(String username, String password) {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(username,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create SCRAM user " + username, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + username + "\" password=\"" + password + "\";");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            // the credential reaches the broker through the metadata log, a moment after the controller took it
            try (Admin admin = Admin.create(client)) {
                admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The SASL listener does not accept " + username, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
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
