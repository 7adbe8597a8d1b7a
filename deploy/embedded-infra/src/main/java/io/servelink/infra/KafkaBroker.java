package io.servelink.infra;

/** A running Kafka broker. */
public interface KafkaBroker {

    String kind();

    String bootstrapServers();
}
