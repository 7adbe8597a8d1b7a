package io.servelink.starter.kafka;

import io.servelink.contracts.events.Event;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch's records decoded for a {@link KafkaBatchConsumer.BatchHandler}: tombstones are left out, and a record the codec
 * refuses is logged with its position and skipped (a malformed record can never be handled, so it must not stop the
 * partition).
 */
public final class EventRecords {

    private static final Logger log = LoggerFactory.getLogger(EventRecords.class);

    private EventRecords() {
    }

    public static <T extends Event> List<EventEnvelope<T>> decode(EventCodec codec, List<ConsumerRecord<String, byte[]>> records,
                                                                  Class<T> type) {
        List<EventEnvelope<T>> decoded = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            try {
                decoded.add(codec.decode(record.value(), type));
            } catch (EventCodec.MalformedEventException e) {
                log.warn("Skipping malformed {} record at {}-{}@{}: {}", type.getSimpleName(), record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        return decoded;
    }
}
