package io.servelink.infra.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The demo project's upstream: what a customer's container would serve. {@code GET /} a small page,
 * {@code GET /bytes?n=N} N bytes (to watch usage move), any method with a body echoes how many bytes it read.
 */
public final class DemoUpstream implements AutoCloseable {

    private static final int MAX_GENERATED = 100_000_000;
    private final HttpServer server;

    public DemoUpstream(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long read = drain(exchange.getRequestBody());
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            if (path.equals("/bytes") && query != null && query.startsWith("n=")) {
                sendBytes(exchange, parseSize(query.substring(2)));
                return;
            }
            String body = read > 0
                    ? "{\"received_bytes\":" + read + "}"
                    : "<!doctype html><title>hello</title><h1>Hello from the demo project</h1>"
                      + "<p>Served through the Servelink gateway, which meters every byte of this page.</p>";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", read > 0 ? "application/json" : "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    private static void sendBytes(HttpExchange exchange, int size) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, size);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            for (int left = size; left > 0; left -= chunk.length) {
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
    }

    private static int parseSize(String value) {
        try {
            return Math.clamp(Long.parseLong(value), 0, MAX_GENERATED);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long drain(InputStream body) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = body.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
