package io.servelink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FixedRateLoadTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fixed", exchange -> {
            count(exchange.getRemoteAddress());
            byte[] body = "x".repeat(2048).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/chunked", exchange -> {
            count(exchange.getRemoteAddress());
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("first part,".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write("second part".getBytes(StandardCharsets.US_ASCII));
            }
        });
        server.createContext("/missing", exchange -> {
            count(exchange.getRemoteAddress());
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/slow-first", exchange -> {
            if (count(exchange.getRemoteAddress()) == 1) {
                sleep(Duration.ofMillis(300));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void sendsRateTimesDurationRequestsOverTheGivenConnectionsOnly() throws Exception {
        FixedRateLoad.Outcome outcome = load("/fixed").run(200, Duration.ofSeconds(1), 4);

        assertThat(outcome.latencies().getTotalCount()).isEqualTo(200);
        assertThat(outcome.failures()).isZero();
        assertThat(requests).hasValue(200);
        assertThat(connections.get()).isBetween(1, 4);
    }

    @Test
    void readsChunkedBodiesToTheEndAndKeepsTheConnection() throws Exception {
        FixedRateLoad.Outcome outcome = load("/chunked").run(50, Duration.ofSeconds(1), 1);

        assertThat(outcome.failures()).isZero();
        assertThat(requests).hasValue(50);
        assertThat(connections).hasValue(1);
    }

    @Test
    void pooledRoundsHoldEveryLatencyOfEveryRoundSoTheirP99IsTheUnionsNotAnAverage() {
        org.HdrHistogram.Histogram quiet = new org.HdrHistogram.Histogram(3);
        org.HdrHistogram.Histogram stalled = new org.HdrHistogram.Histogram(3);
        for (int i = 0; i < 1_000; i++) {
            quiet.recordValue(1_000_000);
            stalled.recordValue(i < 980 ? 1_000_000 : 30_000_000); // 2 % of the round met a 30-ms stall
        }

        FixedRateLoad.Outcome pooled = FixedRateLoad.Outcome.pooled(java.util.List.of(new FixedRateLoad.Outcome(quiet, 1),
                new FixedRateLoad.Outcome(stalled, 2)));

        assertThat(pooled.latencies().getTotalCount()).isEqualTo(2_000);
        // the stalled round alone has p99 = 30 ms, so the mean of the rounds' p99s would be 15.5 ms
        assertThat(pooled.latencies().getValueAtPercentile(99) / 1e6).as("exactly 1 % of all latencies are stalls")
                .isCloseTo(1, org.assertj.core.api.Assertions.within(0.01));
        assertThat(pooled.latencies().getValueAtPercentile(99.5) / 1e6).isCloseTo(30, org.assertj.core.api.Assertions.within(0.1));
        assertThat(pooled.failures()).isEqualTo(3);
    }

    @Test
    void countsEveryStatusOtherThan200AsAFailure() throws Exception {
        FixedRateLoad.Outcome outcome = load("/missing").run(20, Duration.ofSeconds(1), 2);

        assertThat(outcome.failures()).isEqualTo(20);
    }

    @Test
    void aStallDelaysTheRequestsQueuedBehindItAndTheirLatencyCountsFromWhenTheyWereDue() throws Exception {
        // 50 requests/s over one connection: the first answer takes 300 ms, so the requests due at 20, 40, ... 280 ms
        // are sent late. A generator timing from the send would see one slow request; this one must see about 14.
        FixedRateLoad.Outcome outcome = load("/slow-first").run(50, Duration.ofSeconds(1), 1);

        long slowerThan100Millis = outcome.latencies().getTotalCount()
                - outcome.latencies().getCountBetweenValues(0, Duration.ofMillis(100).toNanos());
        assertThat(slowerThan100Millis).isGreaterThanOrEqualTo(9);
        assertThat(outcome.latencies().getMaxValue()).isGreaterThanOrEqualTo(Duration.ofMillis(290).toNanos());
    }

    private FixedRateLoad load(String path) {
        return new FixedRateLoad(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path), Map.of("Authorization", "Bearer t"));
    }

    private final java.util.Set<InetSocketAddress> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private int count(InetSocketAddress client) {
        if (seen.add(client)) {
            connections.incrementAndGet();
        }
        return requests.incrementAndGet();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
