package io.servelink.gateway.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Adds up the body bytes of project traffic per project and window, and at each window's end puts one
 * {@link TrafficRecorded} per active project into the bounded buffer the {@link TrafficSender} drains. Request
 * threads only touch LongAdders: nothing here waits for Kafka.
 */
class TrafficMeter implements SmartLifecycle {

    /** Stops after the web server (whose last exchanges it still counts), before the sender. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger log = LoggerFactory.getLogger(TrafficMeter.class);
    private static final long DROP_LOG_INTERVAL_MS = 10_000;

    private final TrafficWindows windows = new TrafficWindows();
    private final TrafficEventBuffer buffer;
    private final EventCodec codec;
    private final MeteringSettings settings;
    private final Clock clock;
    private final Counter requestBytes;
    private final Counter responseBytes;
    private final Counter dropped;
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private volatile long lastDropLog;
    private volatile Runnable onEvents = () -> { };
    private ScheduledExecutorService clockThread;
    private Instant windowStart;
    private volatile boolean running;

    TrafficMeter(TrafficEventBuffer buffer, EventCodec codec, MeteringSettings settings, MeterRegistry meters, Clock clock) {
        this.buffer = buffer;
        this.codec = codec;
        this.settings = settings;
        this.clock = clock;
        this.requestBytes = Counter.builder("servelink.gateway.metered.bytes").tag("direction", "request")
                .description("Project request body bytes read from clients").baseUnit("bytes").register(meters);
        this.responseBytes = Counter.builder("servelink.gateway.metered.bytes").tag("direction", "response")
                .description("Project response body bytes written to clients").baseUnit("bytes").register(meters);
        this.dropped = Counter.builder("servelink.gateway.traffic.events.dropped")
                .description("Traffic events dropped because the buffer was full").register(meters);
        Gauge.builder("servelink.gateway.traffic.buffer.size", buffer, TrafficEventBuffer::size)
                .description("Traffic events waiting for Kafka").register(meters);
    }

    /** Called whenever events were added (wakes the sender). */
    void onEvents(Runnable listener) {
        this.onEvents = listener;
    }

    /**
     * Per buffer: only the window's adder. The Micrometer counters follow as each window closes (one adder update
     * less per buffer of every response).
     */
    void requestBytes(String projectId, long bytes) {
        windows.addRequestBytes(projectId, bytes);
    }

    void responseBytes(String projectId, long bytes) {
        windows.addResponseBytes(projectId, bytes);
    }

    void exchangeFinished(String projectId) {
        windows.countRequest(projectId);
    }

    /** Ends the current window: its events go to the buffer (or are dropped and counted when it is full). */
    synchronized void closeWindow() {
        Instant end = clock.instant();
        int added = 0;
        for (TrafficRecorded traffic : windows.close(windowStart, end)) {
            requestBytes.increment(traffic.requestBytes());
            responseBytes.increment(traffic.responseBytes());
            EventEnvelope<TrafficRecorded> envelope = EventEnvelope.of(traffic, end);
            if (buffer.offer(new PendingEvent(envelope.eventId(), traffic.projectId(), codec.encode(envelope)))) {
                added++;
            } else {
                drop(traffic);
            }
        }
        windowStart = end;
        if (added > 0) {
            onEvents.run();
        }
    }

    private void drop(TrafficRecorded traffic) {
        dropped.increment();
        long unlogged = droppedSinceLog.incrementAndGet();
        long now = clock.millis();
        if (now - lastDropLog >= DROP_LOG_INTERVAL_MS) {
            lastDropLog = now;
            droppedSinceLog.addAndGet(-unlogged);
            log.error("Traffic buffer full ({} events): dropped {} traffic event(s) since the last report, latest for "
                    + "project {} ({} request + {} response bytes)", settings.bufferCapacity(), unlogged,
                    traffic.projectId(), traffic.requestBytes(), traffic.responseBytes());
        }
    }

    @Override
    public synchronized void start() {
        windowStart = clock.instant();
        clockThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("traffic-window").daemon().factory());
        long period = settings.window().toNanos();
        clockThread.scheduleAtFixedRate(this::closeWindowSafely, period, period, TimeUnit.NANOSECONDS);
        running = true;
    }

    private void closeWindowSafely() {
        try {
            closeWindow();
        } catch (RuntimeException e) {
            log.error("Closing a traffic window failed; its counts stay for the next window", e);
        }
    }

    @Override
    public void stop() {
        running = false;
        clockThread.shutdownNow();
        closeWindowSafely();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
