package io.servelink.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.servelink.infra.KafkaBroker;
import io.servelink.local.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * WebSocket echo through the metered gateway against the same upstream directly, in one run: a Reactor Netty echo
 * server (in this JVM), one metered gateway JVM, and {@value #CONNECTIONS} WebSocket connections per path, each a
 * closed loop that sends a binary message and waits for its echo before sending the next. Throughput is echoes per
 * second; latency is each echo's round trip. The two paths take turns, as in the gateway suite.
 */
final class WebSocketBenchmark {

    static final int ECHO_UPSTREAM = 18094;
    static final int GATEWAY_METERED = 18084;
    private static final String HOST = "bench-ws.apps.localhost";
    private static final int CONNECTIONS = 16;
    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 8);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    private static final String DIRECT = "websocket direct";
    private static final String GATEWAY = "websocket gateway metered";
    private static final List<Map.Entry<String, Integer>> SIZES = List.of(Map.entry("1k", 1024), Map.entry("100k", 100 * 1024));

    private final Path root;
    private final Path logs;
    private final KafkaBroker kafka;

    WebSocketBenchmark(Path root, Path logs, KafkaBroker kafka) {
        this.root = root;
        this.logs = logs;
        this.kafka = kafka;
    }

    List<Result> run() throws Exception {
        String namespace = "bench-ws-" + UUID.randomUUID().toString().substring(0, 8);
        LoopResources upstreamLoops = LoopResources.create("bench-echo", 1, true);
        DisposableServer upstream = HttpServer.create().host("127.0.0.1").port(ECHO_UPSTREAM).runOn(upstreamLoops)
                .route(routes -> routes.ws("/echo", (in, out) -> out.sendObject(in.aggregateFrames(MAX_FRAME).receiveFrames()
                        .map(WebSocketFrame::retain)), WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME).build()))
                .bindNow();
        ServiceProcess gateway = GatewayBenchmark.startGateway(root, logs, kafka, namespace, true, GATEWAY_METERED);
        List<Result> results = new ArrayList<>();
        try {
            GatewayBenchmark.registerProject(kafka, namespace, "bench-ws", HOST, ECHO_UPSTREAM);
            awaitEchoed(GATEWAY_METERED, HOST);
            for (Map.Entry<String, Integer> size : SIZES) {
                Map<String, Echo> echoes = new LinkedHashMap<>();
                echoes.put(DIRECT + " " + size.getKey(), new Echo(ECHO_UPSTREAM, null, null, size.getValue()));
                echoes.put(GATEWAY + " " + size.getKey(), new Echo(GATEWAY_METERED, HOST, gateway, size.getValue()));
                for (Echo echo : echoes.values()) {
                    echo.run(Duration.ofSeconds(WARMUP_SECONDS + (echo.process() == null ? 0 : 2L * WARMUP_SECONDS)));
                }
                Map<String, List<Outcome>> turns = new LinkedHashMap<>();
                echoes.keySet().forEach(name -> turns.put(name, new ArrayList<>()));
                List<String> names = List.copyOf(echoes.keySet());
                for (int round = 0; round < ROUNDS; round++) {
                    for (int turn = 0; turn < names.size(); turn++) {
                        String name = names.get((round + turn) % names.size());
                        Outcome outcome = echoes.get(name).run(Duration.ofSeconds(Math.max(1, SECONDS / ROUNDS)));
                        Benchmarks.say(String.format("%s round %d: %,.0f echoes/s, p50 %.2f ms, p99 %.2f ms%s", name, round + 1,
                                outcome.perSecond(), outcome.percentileMillis(50), outcome.percentileMillis(99),
                                Double.isNaN(outcome.cpuMicrosPerEcho()) ? "" : String.format(", %.0f µs gateway CPU per echo", outcome.cpuMicrosPerEcho())));
                        turns.get(name).add(outcome);
                    }
                }
                Outcome direct = Outcome.pooled(turns.get(DIRECT + " " + size.getKey()));
                Outcome metered = Outcome.pooled(turns.get(GATEWAY + " " + size.getKey()));
                results.addAll(rows(DIRECT + " " + size.getKey(), direct));
                results.addAll(rows(GATEWAY + " " + size.getKey(), metered));
                results.add(new Result("websocket", "gateway metered vs direct " + size.getKey(), "throughput ratio",
                        metered.perSecond() / direct.perSecond(), "x", "target >= 0.8"));
                results.add(new Result("websocket", "gateway metered vs direct " + size.getKey(), "p99 added",
                        metered.percentileMillis(99) - direct.percentileMillis(99), "ms", ""));
            }
        } finally {
            gateway.stop();
            gateway.awaitStopped(Duration.ofSeconds(20));
            upstream.disposeNow();
            upstreamLoops.disposeLater().block(Duration.ofSeconds(10));
        }
        return results;
    }

    private static List<Result> rows(String scenario, Outcome outcome) {
        List<Result> rows = new ArrayList<>();
        rows.add(new Result("websocket", scenario, "throughput", outcome.perSecond(), "echoes/s",
                CONNECTIONS + " connections, " + outcome.echoes() + " echoes" + (outcome.failures() > 0 ? ", " + outcome.failures() + " failures" : "")));
        rows.add(new Result("websocket", scenario, "p50", outcome.percentileMillis(50), "ms", "round trip"));
        rows.add(new Result("websocket", scenario, "p99", outcome.percentileMillis(99), "ms", "round trip"));
        if (!Double.isNaN(outcome.cpuMicrosPerEcho())) {
            rows.add(new Result("websocket", scenario, "gateway CPU per echo", outcome.cpuMicrosPerEcho(), "µs", ""));
        }
        return rows;
    }

    /** Waits until the gateway routes the project (it reads the projects topic after it is ready). */
    private static void awaitEchoed(int port, String host) throws InterruptedException {
        for (int attempt = 0; attempt < 120; attempt++) {
            try {
                Outcome probe = new Echo(port, host, null, 16).run(Duration.ofMillis(500));
                if (probe.echoes() > 0) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("The gateway never proxied WebSocket connections for " + HOST);
    }

    /** Echo loops against one port (with the Host header of a project, or none for the upstream itself). */
    private record Echo(int port, String host, ServiceProcess process, int size) {

        Outcome run(Duration duration) {
            java.util.Optional<Duration> cpuBefore = process == null ? java.util.Optional.empty() : process.cpuTime();
            ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeZero(size));
            Histogram latencies = new ConcurrentHistogram(Duration.ofSeconds(60).toNanos(), 3);
            AtomicLong failures = new AtomicLong();
            ConnectionProvider connections = ConnectionProvider.newConnection();
            HttpClient client = HttpClient.create(connections).headers(headers -> {
                if (host != null) {
                    headers.set(HttpHeaderNames.HOST, host);
                }
            });
            long end = System.nanoTime() + duration.toNanos();
            CountDownLatch done = new CountDownLatch(CONNECTIONS);
            List<Disposable> loops = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                loops.add(loop(client, payload, latencies, end).doFinally(signal -> done.countDown())
                        .subscribe(ignored -> { }, error -> failures.incrementAndGet()));
            }
            try {
                if (!done.await(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
                    loops.forEach(Disposable::dispose);
                    failures.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            connections.disposeLater().block(Duration.ofSeconds(10));
            double cpuMicros = cpuBefore.map(before -> (double) process.cpuTime().orElseThrow().minus(before).toNanos() / 1e3).orElse(Double.NaN);
            long echoes = latencies.getTotalCount();
            return new Outcome(latencies, echoes, seconds, failures.get(), echoes == 0 ? Double.NaN : cpuMicros / echoes);
        }

        /** One connection: send, await the echo, record its round trip, send again until {@code end}. */
        private Mono<Void> loop(HttpClient client, ByteBuf payload, Histogram latencies, long end) {
            return client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME).build())
                    .uri("ws://127.0.0.1:" + port + "/echo")
                    .handle((in, out) -> {
                        Sinks.Many<WebSocketFrame> outgoing = Sinks.many().unicast().onBackpressureBuffer();
                        long[] sentAt = {System.nanoTime()};
                        outgoing.tryEmitNext(new BinaryWebSocketFrame(payload.duplicate()));
                        Mono<Void> echoes = in.aggregateFrames(MAX_FRAME).receiveFrames().doOnNext(frame -> {
                            long now = System.nanoTime();
                            latencies.recordValue(Math.min(now - sentAt[0], latencies.getHighestTrackableValue()));
                            if (now < end) {
                                sentAt[0] = now;
                                outgoing.tryEmitNext(new BinaryWebSocketFrame(payload.duplicate()));
                            } else {
                                outgoing.tryEmitComplete();
                            }
                        }).takeUntil(frame -> System.nanoTime() >= end).then();
                        return out.sendObject(outgoing.asFlux()).then().and(echoes);
                    })
                    .then();
        }
    }

    /** One path's echoes: round trips, how many, over how long, failed connections, the gateway's CPU per echo. */
    private record Outcome(Histogram latencies, long echoes, double seconds, long failures, double cpuMicrosPerEcho) {

        double perSecond() {
            return echoes / seconds;
        }

        double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }

        /** Turns as one: all round trips, echoes over the summed time, CPU per echo over all of them. */
        static Outcome pooled(List<Outcome> turns) {
            Histogram latencies = new Histogram(Duration.ofSeconds(60).toNanos(), 3);
            turns.forEach(turn -> latencies.add(turn.latencies()));
            long echoes = turns.stream().mapToLong(Outcome::echoes).sum();
            double cpu = turns.stream().mapToDouble(turn -> turn.cpuMicrosPerEcho() * turn.echoes()).sum();
            return new Outcome(latencies, echoes, turns.stream().mapToDouble(Outcome::seconds).sum(),
                    turns.stream().mapToLong(Outcome::failures).sum(), echoes == 0 ? Double.NaN : cpu / echoes);
        }
    }
}
