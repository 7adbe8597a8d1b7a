package io.servelink.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.process.ServiceProcess;
import java.io.IOException;
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
import java.util.function.Function;
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
 * WebSocket echo through the metered gateway against the same upstream directly and through nginx as a reverse
 * proxy, in one run: a Reactor Netty echo server (in this JVM), one metered gateway JVM, an nginx (when installed),
 * and {@code bench.ws-connections} WebSocket connections per path (16 unless set). First each connection is a closed loop that sends a
 * binary message and waits for its echo before sending the next (the path's capacity); then the paths are offered
 * the same fixed rate of messages, a share of what direct reached (whether a path keeps up, and the latency it adds
 * when it does). Throughput is echoes per second; latency is each echo's round trip. The paths take turns, as in
 * the gateway suite.
 */
final class WebSocketBenchmark {

    static final int ECHO_UPSTREAM = 18094;
    static final int NGINX_PROXY = 18095;
    static final int GATEWAY_METERED = 18084;
    private static final String HOST = "bench-ws.apps.localhost";
    /** WebSocket connections per path, each with one message in flight. */
    private static final int CONNECTIONS = Integer.getInteger("bench.ws-connections", 16);
    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 8);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    /** The fixed rate offered to every path, as a share of direct's closed-loop throughput in the same run. */
    private static final double FIXED_RATE_SHARE = Double.parseDouble(System.getProperty("bench.ws-fixed-rate-share", "0.5"));
    private static final int FIXED_RATE_ROUNDS = Integer.getInteger("bench.fixed-rate-rounds", 6);
    /**
     * The proxies on a core of their own: this JVM (load generator and echo server, on every path) pinned to CPU 0,
     * the gateway and nginx to CPU 1, as a proxy runs on its own machine or pod. Scenarios are then named "... split".
     */
    private static final boolean SPLIT_CPUS = Boolean.getBoolean("bench.ws-split-cpus");
    private static final Duration FIXED_RATE_ROUND = Duration.ofSeconds(5);
    /** When the first message at a fixed rate is due: after every connection's handshake. */
    private static final Duration FIXED_RATE_START = Duration.ofMillis(500);
    private static final String DIRECT = "websocket direct";
    private static final String NGINX = "websocket nginx proxy";
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
        Nginx nginx = startNginx();
        ServiceProcess gateway = null;
        List<Result> results = new ArrayList<>();
        try {
            gateway = GatewayBenchmark.startGateway(root, logs, kafka, namespace, true, GATEWAY_METERED);
            GatewayBenchmark.registerProject(kafka, namespace, "bench-ws", HOST, ECHO_UPSTREAM);
            awaitEchoed(GATEWAY_METERED, HOST);
            if (SPLIT_CPUS) {
                if (Runtime.getRuntime().availableProcessors() < 2) {
                    throw new IllegalStateException("bench.ws-split-cpus needs at least two CPUs");
                }
                Cpus.pin(ProcessHandle.current().pid(), "0");
                Cpus.pin(gateway.pid(), "1");
                if (nginx != null) {
                    Cpus.pin(nginx.pid(), "1");
                }
            }
            for (Map.Entry<String, Integer> size : SIZES) {
                String sized = size.getKey() + (SPLIT_CPUS ? " split" : "");
                String direct = DIRECT + " " + sized;
                String proxy = NGINX + " " + sized;
                String metered = GATEWAY + " " + sized;
                Map<String, Echo> echoes = new LinkedHashMap<>();
                echoes.put(direct, new Echo(ECHO_UPSTREAM, null, null, size.getValue()));
                if (nginx != null) {
                    echoes.put(proxy, new Echo(NGINX_PROXY, null, null, size.getValue()));
                }
                echoes.put(metered, new Echo(GATEWAY_METERED, HOST, gateway, size.getValue()));
                for (Echo echo : echoes.values()) {
                    echo.run(Duration.ofSeconds(WARMUP_SECONDS + (echo.process() == null ? 0 : 2L * WARMUP_SECONDS)));
                }
                Map<String, Outcome> saturated = inTurns(echoes, ROUNDS, "",
                        echo -> echo.run(Duration.ofSeconds(Math.max(1, SECONDS / ROUNDS))));
                saturated.forEach((name, outcome) -> results.addAll(rows(name, outcome)));
                compare(results, "gateway metered vs direct " + sized, saturated.get(direct), saturated.get(metered), "target >= 0.8");
                if (nginx != null) {
                    compare(results, "nginx proxy vs direct " + sized, saturated.get(direct), saturated.get(proxy), "");
                    compare(results, "gateway metered vs nginx proxy " + sized, saturated.get(proxy), saturated.get(metered), "");
                }

                int rate = Math.max(100, (int) Math.round(FIXED_RATE_SHARE * saturated.get(direct).perSecond() / 100) * 100);
                String at = " at " + String.format("%,d", rate) + " echoes/s";
                for (Echo echo : echoes.values()) {
                    echo.runAt(rate, FIXED_RATE_ROUND);
                }
                Map<String, Outcome> fixed = inTurns(echoes, FIXED_RATE_ROUNDS, at, echo -> echo.runAt(rate, FIXED_RATE_ROUND));
                fixed.forEach((name, outcome) -> results.addAll(rows(name + at, outcome)));
                String share = String.format("offered %.0f %% of direct's closed-loop throughput; ~1.0 when the path keeps up", 100 * FIXED_RATE_SHARE);
                compare(results, "gateway metered vs direct " + sized + at, fixed.get(direct), fixed.get(metered), share);
                if (nginx != null) {
                    compare(results, "nginx proxy vs direct " + sized + at, fixed.get(direct), fixed.get(proxy), share);
                }
            }
        } finally {
            if (gateway != null) {
                gateway.stop();
                gateway.awaitStopped(Duration.ofSeconds(20));
            }
            if (nginx != null) {
                nginx.close();
            }
            upstream.disposeNow();
            upstreamLoops.disposeLater().block(Duration.ofSeconds(10));
        }
        return results;
    }

    /** nginx as a WebSocket reverse proxy in front of the echo server, or null (said) when nginx is not installed. */
    private Nginx startNginx() throws IOException, InterruptedException {
        try {
            return Nginx.startWebSocketProxy(root.resolve(".bench/nginx-ws"), ECHO_UPSTREAM, NGINX_PROXY);
        } catch (Nginx.Missing e) {
            Benchmarks.say(e.getMessage() + ": the WebSocket suite measures without the nginx proxy path");
            return null;
        }
    }

    /**
     * Each path measured {@code rounds} times, in turns, each round starting with the next path; a path's turns
     * pooled (every round trip, echoes over the summed time).
     */
    private static Map<String, Outcome> inTurns(Map<String, Echo> echoes, int rounds, String label, Function<Echo, Outcome> measurement) {
        Map<String, List<Outcome>> turns = new LinkedHashMap<>();
        echoes.keySet().forEach(name -> turns.put(name, new ArrayList<>()));
        List<String> names = List.copyOf(echoes.keySet());
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < names.size(); turn++) {
                String name = names.get((round + turn) % names.size());
                Outcome outcome = measurement.apply(echoes.get(name));
                Benchmarks.say(String.format("%s%s round %d: %,.0f echoes/s, p50 %.2f ms, p99 %.2f ms%s%s", name, label, round + 1,
                        outcome.perSecond(), outcome.percentileMillis(50), outcome.percentileMillis(99),
                        Double.isNaN(outcome.cpuMicrosPerEcho()) ? "" : String.format(", %.0f µs gateway CPU per echo", outcome.cpuMicrosPerEcho()),
                        outcome.failures() > 0 ? ", " + outcome.failures() + " failures" : ""));
                turns.get(name).add(outcome);
            }
        }
        Map<String, Outcome> pooled = new LinkedHashMap<>();
        turns.forEach((name, outcomes) -> pooled.put(name, Outcome.pooled(outcomes)));
        return pooled;
    }

    /** How {@code second} compares with {@code base}: its throughput as a share of the base's, and the p99 it adds. */
    private static void compare(List<Result> results, String scenario, Outcome base, Outcome second, String note) {
        results.add(new Result("websocket", scenario, "throughput ratio", second.perSecond() / base.perSecond(), "x", note));
        results.add(new Result("websocket", scenario, "p99 added", second.percentileMillis(99) - base.percentileMillis(99), "ms", ""));
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

        /** {@link #CONNECTIONS} closed loops for {@code duration}: each message is sent as soon as the previous one's echo is in. */
        Outcome run(Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            return measure(duration, () -> {
                long now = System.nanoTime();
                return now < end ? now : DONE;
            }, Long.MIN_VALUE);
        }

        /**
         * {@code rate} messages per second for {@code duration} over {@link #CONNECTIONS} connections, wrk2's model
         * as in {@link FixedRateLoad}: message {@code i} is due at {@code start + i / rate}, the next connection
         * whose echo is in sends it no earlier, and its round trip counts from when it was due, so a path that falls
         * behind shows in the percentiles and in the throughput (echoes over the time from the first due message
         * until the last echo).
         */
        Outcome runAt(int rate, Duration duration) {
            long total = rate * duration.toSeconds();
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime() + FIXED_RATE_START.toNanos();
            AtomicLong next = new AtomicLong();
            return measure(duration.plus(FIXED_RATE_START), () -> {
                long i = next.getAndIncrement();
                return i < total ? start + i * interval : DONE;
            }, start);
        }

        /**
         * Runs the connections until {@code schedule} says {@link #DONE} to each; throughput counts from
         * {@code measuredFrom} (the connections' start when {@link Long#MIN_VALUE}).
         */
        private Outcome measure(Duration duration, Schedule schedule, long measuredFrom) {
            java.util.Optional<Duration> cpuBefore = process == null ? java.util.Optional.empty() : process.cpuTime();
            ByteBuf message = Unpooled.directBuffer(size).writeZero(size);
            ByteBuf payload = Unpooled.unreleasableBuffer(message);
            Histogram latencies = new ConcurrentHistogram(Duration.ofSeconds(60).toNanos(), 3);
            AtomicLong failures = new AtomicLong();
            ConnectionProvider connections = ConnectionProvider.newConnection();
            HttpClient client = HttpClient.create(connections).headers(headers -> {
                if (host != null) {
                    headers.set(HttpHeaderNames.HOST, host);
                }
            });
            CountDownLatch done = new CountDownLatch(CONNECTIONS);
            List<Disposable> loops = new ArrayList<>();
            long started = measuredFrom == Long.MIN_VALUE ? System.nanoTime() : measuredFrom;
            for (int i = 0; i < CONNECTIONS; i++) {
                loops.add(loop(client, payload, latencies, schedule).doFinally(signal -> done.countDown())
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
            message.release();
            double cpuMicros = cpuBefore.map(before -> (double) process.cpuTime().orElseThrow().minus(before).toNanos() / 1e3).orElse(Double.NaN);
            long echoes = latencies.getTotalCount();
            return new Outcome(latencies, echoes, seconds, failures.get(), echoes == 0 ? Double.NaN : cpuMicros / echoes);
        }

        /**
         * One connection: asks the schedule when its next message is due, sends it then (on the connection's event
         * loop), awaits the echo and records the round trip from when it was due; until the schedule says done.
         */
        private Mono<Void> loop(HttpClient client, ByteBuf payload, Histogram latencies, Schedule schedule) {
            return client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME).build())
                    .uri("ws://127.0.0.1:" + port + "/echo")
                    .handle((in, out) -> {
                        Sinks.Many<WebSocketFrame> outgoing = Sinks.many().unicast().onBackpressureBuffer();
                        EventLoop[] eventLoop = new EventLoop[1];
                        in.withConnection(connection -> eventLoop[0] = connection.channel().eventLoop());
                        long[] dueAt = new long[1];
                        boolean[] finished = new boolean[1];
                        Runnable send = () -> outgoing.tryEmitNext(new BinaryWebSocketFrame(payload.duplicate()));
                        Runnable next = () -> {
                            long due = schedule.next();
                            if (due == DONE) {
                                finished[0] = true;
                                outgoing.tryEmitComplete();
                                return;
                            }
                            dueAt[0] = due;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                eventLoop[0].schedule(send, wait, TimeUnit.NANOSECONDS);
                            } else {
                                send.run();
                            }
                        };
                        next.run();
                        Mono<Void> echoes = in.aggregateFrames(MAX_FRAME).receiveFrames().doOnNext(frame -> {
                            latencies.recordValue(Math.min(System.nanoTime() - dueAt[0], latencies.getHighestTrackableValue()));
                            next.run();
                        }).takeUntil(frame -> finished[0]).then();
                        return out.sendObject(outgoing.asFlux()).then().and(echoes);
                    })
                    .then();
        }
    }

    /** When a connection's next message is due ({@link System#nanoTime()}), or {@link #DONE}. */
    private interface Schedule {
        long next();
    }

    private static final long DONE = Long.MIN_VALUE;

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
