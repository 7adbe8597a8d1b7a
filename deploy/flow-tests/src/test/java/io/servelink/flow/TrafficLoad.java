package io.servelink.flow;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Visitors of one project, each a thread asking the gateway for {@code /bytes?n=...} of the demo upstream in a
 * loop, at a modest pace. It adds up the response body bytes of every answered request (what the gateway must
 * meter: the requests carry no body) and keeps every failure (a non-200 answer, a short body, an exception or a
 * request that took longer than its timeout).
 */
final class TrafficLoad implements AutoCloseable {

    private static final Duration PAUSE = Duration.ofMillis(25);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final String host;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> visitors = new ArrayList<>();
    private volatile boolean running = true;

    private TrafficLoad(URI gateway, String host) {
        this.gateway = gateway;
        this.host = host;
    }

    static TrafficLoad start(URI gateway, String host, int visitors) {
        TrafficLoad load = new TrafficLoad(gateway, host);
        for (int i = 0; i < visitors; i++) {
            int visitor = i;
            load.visitors.add(Thread.ofPlatform().name("visitor-" + host + "-" + i).daemon().start(() -> load.visit(visitor)));
        }
        return load;
    }

    private void visit(int visitor) {
        for (int i = 0; running; i++) {
            int size = 1_000 + Math.floorMod(visitor * 7_919 + i * 104_729, 60_000);
            request(size);
            try {
                Thread.sleep(PAUSE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void request(int size) {
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/bytes?n=" + size)).header("Host", host)
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200 && response.body().length == size) {
                bytes.addAndGet(size);
                served.incrementAndGet();
            } else {
                failures.add(response.statusCode() + " with " + response.body().length + " of " + size + " bytes");
            }
        } catch (IOException e) {
            failures.add(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests answered in full so far. */
    long served() {
        return served.get();
    }

    /** Response body bytes of the requests answered in full. Final once {@link #close()} returned. */
    long bytes() {
        return bytes.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the visitors and waits for their last requests to finish. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread visitor : visitors) {
            visitor.join(Duration.ofSeconds(15));
        }
    }
}
