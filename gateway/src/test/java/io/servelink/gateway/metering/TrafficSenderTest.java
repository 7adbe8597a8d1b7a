package io.servelink.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TrafficSenderTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MeteringSettings settings = new MeteringSettings(true, Duration.ofSeconds(5), 2, 10,
            Duration.ofMillis(10), Duration.ofMillis(50), null, Duration.ofMillis(100));
    private final TrafficEventBuffer buffer = new TrafficEventBuffer(settings.bufferCapacity());
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final TrafficSender sender = new TrafficSender(buffer, () -> producer, "traffic", settings, meters, Clock.systemUTC());
    private final TrafficMeter meter = new TrafficMeter(buffer, new EventCodec(), settings, meters,
            Clock.fixed(Instant.parse("2026-01-01T00:00:05Z"), ZoneOffset.UTC));

    @Test
    void keepsEventsBufferedWhileKafkaFailsAndSendsThemOnceItIsBack() {
        meter.start();
        meter.requestBytes("alpha", 100);
        meter.responseBytes("alpha", 250);
        meter.exchangeFinished("alpha");
        meter.closeWindow();
        meter.stop();

        producer.commitTransactionException = new KafkaException("broker unreachable");
        assertThat(sender.sendBatch(buffer.peek(10))).isZero();
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(producer.transactionAborted()).isTrue();

        producer.commitTransactionException = null;
        assertThat(sender.sendBatch(buffer.peek(10))).isEqualTo(1);
        assertThat(buffer.size()).isZero();
        assertThat(producer.transactionCommitted()).isTrue();
        ProducerRecord<String, byte[]> sent = producer.history().getFirst();
        assertThat(sent.topic()).isEqualTo("traffic");
        assertThat(sent.key()).isEqualTo("alpha");
        TrafficRecorded traffic = new EventCodec().decode(sent.value(), TrafficRecorded.class).payload();
        assertThat(traffic.requestBytes()).isEqualTo(100);
        assertThat(traffic.responseBytes()).isEqualTo(250);
        assertThat(traffic.requests()).isEqualTo(1);
    }

    @Test
    void commitsEachEventOnceWhenAFailedTransactionIsSentAgain() {
        closeWindowWithTraffic("a", "b");

        producer.commitTransactionException = new TimeoutException("a record expired before the broker acknowledged it");
        assertThat(sender.sendBatch(buffer.peek(10))).isZero();
        assertThat(producer.transactionAborted()).isTrue();
        producer.commitTransactionException = null;
        assertThat(sender.sendBatch(buffer.peek(10))).isEqualTo(2);

        assertThat(producer.history()).as("committed records").extracting(ProducerRecord::key).containsExactlyInAnyOrder("a", "b");
        assertThat(producer.commitCount()).isEqualTo(1);
    }

    @Test
    void retriesACommitWhoseOutcomeIsUnclearWithoutSendingItsEventsAgain() {
        closeWindowWithTraffic("a", "b");

        producer.commitTransactionException = new TimeoutException("EndTxn not answered in time");
        // what Kafka answers to abortTransaction while a commit that timed out is pending
        producer.abortTransactionException = new IllegalStateException("previous call to `commitTransaction` timed out and must be retried");
        assertThat(sender.sendBatch(buffer.peek(10))).isZero();
        assertThat(producer.uncommittedRecords()).hasSize(2);

        producer.commitTransactionException = null;
        producer.abortTransactionException = null;
        assertThat(sender.sendBatch(buffer.peek(10))).isEqualTo(2);

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactlyInAnyOrder("a", "b");
        assertThat(producer.transactionAborted()).isFalse();
        assertThat(buffer.size()).isZero();
    }

    @Test
    void dropsAndCountsNewEventsWhenTheBufferIsFull() {
        meter.start();
        for (String project : new String[] {"a", "b", "c", "d"}) {
            meter.responseBytes(project, 1);
        }
        meter.closeWindow();
        meter.stop();

        assertThat(buffer.size()).isEqualTo(2);
        assertThat(meters.get("servelink.gateway.traffic.events.dropped").counter().count()).isEqualTo(2);
        assertThat(meters.get("servelink.gateway.traffic.buffer.size").gauge().value()).isEqualTo(2);
    }

    @Test
    void givesEveryWindowEventAFreshId() {
        meter.start();
        meter.responseBytes("alpha", 1);
        meter.closeWindow();
        meter.responseBytes("alpha", 1);
        meter.closeWindow();
        meter.stop();

        assertThat(buffer.peek(10)).extracting(PendingEvent::eventId).doesNotHaveDuplicates().hasSize(2);
    }

    private void closeWindowWithTraffic(String... projects) {
        meter.start();
        for (String project : projects) {
            meter.responseBytes(project, 1);
        }
        meter.closeWindow();
        meter.stop();
    }
}
