package io.servelink.flow;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Asks one API request again and again from a few threads, and keeps every answer (or the failure to get one). */
final class ApiPoller implements AutoCloseable {

    /** An answer, or {@code status} 0 with the exception when none came within the request's timeout. */
    record Answer(int status, String contentType, String retryAfter, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Duration pause;
    private final List<Thread> threads;
    private volatile boolean running = true;

    private ApiPoller(HttpRequest request, int threads, Duration pause) {
        this.request = request;
        this.pause = pause;
        this.threads = java.util.stream.IntStream.range(0, threads)
                .mapToObj(i -> Thread.ofPlatform().name("api-poller-" + i).daemon().start(this::poll)).toList();
    }

    /** {@code threads} callers, each pausing {@code pause} between its requests. */
    static ApiPoller start(HttpRequest request, int threads, Duration pause) {
        return new ApiPoller(request, threads, pause);
    }

    private void poll() {
        while (running) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                answers.add(new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                        response.headers().firstValue("Retry-After").orElse(null), response.body()));
                Thread.sleep(pause);
            } catch (IOException e) {
                answers.add(new Answer(0, "", null, e.toString()));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(15));
        }
    }
}
