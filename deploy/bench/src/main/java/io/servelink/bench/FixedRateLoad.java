package io.servelink.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A fixed request rate over a fixed number of keep-alive HTTP/1.1 connections, wrk2's model: request {@code i} is
 * due at {@code start + i / rate}, the next free connection sends it no earlier, and its latency counts from when it
 * was due, so a stall delays every request queued behind it and shows in the percentiles (no coordinated omission).
 * <p>
 * A plain blocking socket per connection, because the generator shares the two cores with the system it measures:
 * the JDK's {@code HttpClient} spent about 1 ms of CPU per request here (half a core at 500 requests/s) and opened a
 * new connection whenever all were busy — hundreds of them after one pause, each one a new upstream connection in the
 * gateway too. This client spends a few microseconds and never opens more than {@code connections}.
 */
final class FixedRateLoad {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    record Outcome(Histogram latencies, long failures) {

        /** Runs as one: every latency of every run in one histogram, all failures. */
        static Outcome pooled(List<Outcome> runs) {
            Histogram latencies = new Histogram(Duration.ofSeconds(60).toNanos(), 3);
            runs.forEach(run -> latencies.add(run.latencies()));
            return new Outcome(latencies, runs.stream().mapToLong(Outcome::failures).sum());
        }
    }

    private final URI url;
    private final byte[] request;

    FixedRateLoad(URI url, Map<String, String> headers) {
        this.url = url;
        StringBuilder text = new StringBuilder("GET ").append(url.getRawPath())
                .append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery()).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
            text.append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n");
        }
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        this.request = text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code rate * duration} requests; a request fails on a status other than 200 or on an I/O error. */
    Outcome run(int rate, Duration duration, int connections) throws InterruptedException {
        ConcurrentHistogram latencies = new ConcurrentHistogram(Duration.ofSeconds(60).toNanos(), 3);
        AtomicLong failures = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        long total = rate * duration.toSeconds();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            senders.add(Thread.ofPlatform().name("load-" + c).daemon().start(() -> {
                Connection connection = null;
                for (int i; (i = next.getAndIncrement()) < total; ) {
                    long due = start + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        if (connection == null) {
                            connection = new Connection(url);
                        }
                        if (connection.exchange(request) != 200) {
                            failures.incrementAndGet();
                        }
                        if (connection.closed) {
                            connection = null;
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        Connection.closeQuietly(connection);
                        connection = null;
                    }
                    latencies.recordValue(Math.min(System.nanoTime() - due, latencies.getHighestTrackableValue()));
                }
                Connection.closeQuietly(connection);
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
        return new Outcome(latencies, failures.get());
    }

    /** One keep-alive connection: writes a request, reads the status and discards the body. */
    private static final class Connection {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private boolean closed;

        Connection(URI url) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), (int) READ_TIMEOUT.toMillis());
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("Not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closed = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";", 2)[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers are discarded
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                closed = true;
            }
            if (closed) {
                socket.close();
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("Connection closed mid-response");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private void skip(long bytes) throws IOException {
            long left = bytes;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("Connection closed mid-body");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        static void closeQuietly(Connection connection) {
            if (connection != null) {
                try {
                    connection.socket.close();
                } catch (IOException ignored) {
                    // closing a broken connection
                }
            }
        }
    }
}
