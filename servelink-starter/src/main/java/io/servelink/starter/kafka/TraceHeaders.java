package io.servelink.starter.kafka;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Carries W3C trace context across Kafka: producers put the current {@code traceparent} (and {@code tracestate})
 * into record headers — through the outbox row for events written in a request — and consumers continue the
 * trace of a batch's first traced record in a consumer span. Without a tracer on the classpath it does nothing.
 */
public final class TraceHeaders {

    public static final String TRACEPARENT = "traceparent";
    private static final TraceHeaders NONE = new TraceHeaders(() -> null, () -> null);

    private final Supplier<Tracer> tracer;
    private final Supplier<Propagator> propagator;

    private TraceHeaders(Supplier<Tracer> tracer, Supplier<Propagator> propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    public static TraceHeaders of(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new TraceHeaders(tracer::getIfAvailable, propagator::getIfAvailable);
    }

    public static TraceHeaders none() {
        return NONE;
    }

    /** The current span's context as propagation headers ({@code traceparent}, ...), empty when no span is current. */
    public Map<String, String> current() {
        Tracer t = tracer.get();
        Propagator p = propagator.get();
        Span span = t == null ? null : t.currentSpan();
        if (span == null || p == null) {
            return Map.of();
        }
        Map<String, String> carrier = new HashMap<>();
        p.inject(span.context(), carrier, Map::put);
        return carrier;
    }

    /** The current {@code traceparent}, or null. */
    public String currentTraceparent() {
        return current().get(TRACEPARENT);
    }

    /**
     * Runs {@code work} (a blocking batch on the consumer's thread) in a consumer span named {@code name}, the child
     * of the first record in the batch that carries a trace context (a new trace otherwise).
     */
    public void inConsumerSpan(String name, List<ConsumerRecord<String, byte[]>> records, Runnable work) {
        inConsumerSpan(name, parentOf(records), records.size(), work);
    }

    /** The trace context of the first record that carries one; empty when none does or nothing traces. */
    public Map<String, String> parentOf(List<ConsumerRecord<String, byte[]>> records) {
        if (tracer.get() == null || propagator.get() == null) {
            return Map.of();
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.headers().lastHeader(TRACEPARENT) != null) {
                return headers(record);
            }
        }
        return Map.of();
    }

    /** Runs {@code work}, a batch of {@code count} records, in a consumer span, the child of {@code parent} (see {@link #parentOf}). */
    public void inConsumerSpan(String name, Map<String, String> parent, int count, Runnable work) {
        Tracer t = tracer.get();
        Propagator p = propagator.get();
        if (t == null || p == null) {
            work.run();
            return;
        }
        Span span = p.extract(parent, Map::get).name(name).kind(Span.Kind.CONSUMER)
                .tag("messaging.system", "kafka").tag("messaging.batch.message_count", Integer.toString(count)).start();
        try (Tracer.SpanInScope ignored = t.withSpan(span)) {
            work.run();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }
}
