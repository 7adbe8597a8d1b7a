package io.servelink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.gateway.TrafficTopic.Totals;
import io.servelink.infra.test.TestTokens;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * Long-lived project traffic through the ingress against real upstreams: WebSocket messages (a Reactor Netty echo
 * server, a Reactor Netty WebSocket client), event streams and downloads that stay open over many metering windows
 * (a Reactor Netty server the test feeds), and gRPC (grpc-java's server and client over h2c). Byte counts are read
 * back from the traffic topic, exact both ways, and for open connections before they end.
 */
@GatewayIT
@TestPropertySource(properties = "servelink.gateway.ingress.http2-cleartext=true")
class LongLivedTrafficIT {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int DEFAULT_MAX_FRAME = 16 * MIB;
    private static final String WELCOME = "welcome";
    private static final String OPERATOR = TestTokens.platform(PlatformRole.OPERATOR);

    /** The close statuses the closing upstream received, fed by its connections. */
    private static final BlockingQueue<Integer> closesAtUpstream = new LinkedBlockingQueue<>();
    /**
     * A WebSocket upstream: on /echo it greets, then echoes every message (of any size up to 64 MiB) as it came; on
     * /closing it closes with 4002 when told "close", and records the close status it receives; /chat speaks only
     * the subprotocol v1.chat; /flood greets, then sends a message one byte above the gateway's limit; /refuse
     * refuses the upgrade with 403.
     */
    private static final DisposableServer echoUpstream = HttpServer.create().host("127.0.0.1").port(0)
            .route(routes -> routes
                    .ws("/echo", LongLivedTrafficIT::greetAndEcho, WebsocketServerSpec.builder().maxFramePayloadLength(64 * MIB).build())
                    .ws("/closing", (in, out) -> {
                        in.receiveCloseStatus().subscribe(status -> closesAtUpstream.add(status.code()));
                        return in.receive().asString().filter("close"::equals).concatMap(told -> out.sendClose(4002, "done")).then();
                    })
                    .ws("/chat", (in, out) -> out.sendString(Mono.just("speaking " + in.selectedSubprotocol())).then(in.receive().then()),
                            WebsocketServerSpec.builder().protocols("v1.chat").build())
                    .ws("/flood", (in, out) -> out.sendObject(Flux.just(new TextWebSocketFrame(WELCOME),
                            new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes(DEFAULT_MAX_FRAME + 1))))).then(in.receive().then()),
                            WebsocketServerSpec.builder().maxFramePayloadLength(64 * MIB).build())
                    .get("/refuse", (request, response) -> response.status(403).send()))
            .bindNow();
    /** The streams the streaming upstream is currently answering, fed by the tests. */
    private static final BlockingQueue<Sinks.Many<String>> openStreams = new LinkedBlockingQueue<>();
    private static final DisposableServer streamingUpstream = HttpServer.create().host("127.0.0.1").port(0)
            .route(routes -> routes
                    .get("/events", (request, response) -> response.header(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_EVENT_STREAM_VALUE)
                            .sendString(newStream()))
                    .get("/download", (request, response) -> response.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_OCTET_STREAM_VALUE)
                            .sendString(newStream())))
            .bindNow();
    private static Server grpcUpstream;

    @LocalServerPort
    int port;

    private static TrafficTopic traffic;

    @BeforeAll
    static void start(@Autowired GatewayIT.TestKafka kafka) throws IOException {
        traffic = new TrafficTopic(kafka);
        grpcUpstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(grpcService()).build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        traffic.close();
        echoUpstream.disposeNow();
        streamingUpstream.disposeNow();
        grpcUpstream.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    // ---- WebSocket --------------------------------------------------------------------------------------------

    @Test
    void webSocketMessagesUpToSixteenMebibytesCrossBothWaysAndAreMeteredExactlyAsTheyCross() {
        String host = register("ws-echo", "http://127.0.0.1:" + echoUpstream.port());
        byte[] hundredKilobytes = bytes(100_000);
        byte[] largest = bytes(DEFAULT_MAX_FRAME);
        Sinks.Many<WebSocketFrame> toGateway = Sinks.many().unicast().onBackpressureBuffer();
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        Disposable connection = connect(host, toGateway, received);

        assertThat(next(received)).asString(StandardCharsets.UTF_8).isEqualTo(WELCOME);
        toGateway.tryEmitNext(new TextWebSocketFrame("hello"));
        assertThat(next(received)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
        toGateway.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(hundredKilobytes)));
        assertThat(next(received)).isEqualTo(hundredKilobytes);
        // the connection counts as one request from its upgrade on; its messages as they cross
        awaitTotals("ws-echo", new Totals(5 + 100_000, WELCOME.length() + 5 + 100_000, 1));

        toGateway.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(largest)));
        assertThat(next(received)).isEqualTo(largest);
        awaitTotals("ws-echo", new Totals(5 + 100_000 + DEFAULT_MAX_FRAME, WELCOME.length() + 5 + 100_000 + DEFAULT_MAX_FRAME, 1));

        toGateway.tryEmitComplete();
        connection.dispose();
    }

    @Test
    void aWebSocketMessageAboveTheLimitClosesTheConnectionAsTooBigInsteadOfHanging() {
        String host = register("ws-too-big", "http://127.0.0.1:" + echoUpstream.port());
        Sinks.Many<WebSocketFrame> toGateway = Sinks.many().unicast().onBackpressureBuffer();
        List<Object> ending = new CopyOnWriteArrayList<>();

        Disposable connection = client(host).handle((in, out) -> {
            in.receiveCloseStatus().subscribe(status -> ending.add("close " + status.code()));
            return out.sendObject(toGateway.asFlux()).then().and(in.receive().then());
        }).subscribe(ignored -> { }, error -> ending.add(error), () -> ending.add("completed"));
        toGateway.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes(DEFAULT_MAX_FRAME + 1))));

        // the connection ends (the close frame, 1009, may or may not reach the client before the socket closes)
        await().atMost(Duration.ofSeconds(20)).until(() -> ending.stream().anyMatch(end -> !(end instanceof String status && status.startsWith("close "))));
        assertThat(ending).filteredOn(end -> end instanceof String status && status.startsWith("close ")).allMatch("close 1009"::equals);
        connection.dispose();
    }

    @Test
    void aMessageAboveTheLimitFromTheUpstreamClosesTheClientsConnectionAsTooBigAfterWhatCameBefore() {
        String host = register("ws-flood", "http://127.0.0.1:" + echoUpstream.port());
        List<Object> received = new CopyOnWriteArrayList<>();

        client(host, "/flood").handle((in, out) -> {
            in.receiveCloseStatus().subscribe(status -> received.add("close " + status.code()));
            return in.aggregateFrames(64 * MIB).receive().asString().doOnNext(received::add);
        }).subscribe();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received).contains("close 1009"));
        assertThat(received).first().isEqualTo(WELCOME);
        awaitTotals("ws-flood", new Totals(0, WELCOME.length(), 1));
    }

    @Test
    void closeFramesCrossBothWaysWithTheirStatus() {
        String host = register("ws-closing", "http://127.0.0.1:" + echoUpstream.port());
        closesAtUpstream.clear();
        List<Integer> atClient = new CopyOnWriteArrayList<>();

        client(host, "/closing").handle((in, out) -> {
            in.receiveCloseStatus().subscribe(status -> atClient.add(status.code()));
            return out.sendString(Mono.just("close")).then(in.receive().then());
        }).subscribe();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atClient).contains(4002));

        client(host, "/closing").handle((in, out) -> out.sendClose(4001, "bye").then(in.receive().then())).subscribe();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closesAtUpstream).contains(4001));
    }

    @Test
    void fragmentedMessagesCrossAsTheirFramesAndTheirPayloadCounts() {
        String host = register("ws-fragments", "http://127.0.0.1:" + echoUpstream.port());
        Sinks.Many<WebSocketFrame> toGateway = Sinks.many().unicast().onBackpressureBuffer();
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        Disposable connection = connect(host, toGateway, received);

        assertThat(next(received)).asString(StandardCharsets.UTF_8).isEqualTo(WELCOME);
        toGateway.tryEmitNext(new TextWebSocketFrame(false, 0, "hel"));
        toGateway.tryEmitNext(new ContinuationWebSocketFrame(true, 0, "lo"));

        // the upstream put the message together from the frames the client sent
        assertThat(next(received)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
        awaitTotals("ws-fragments", new Totals(5, WELCOME.length() + 5, 1));
        connection.dispose();
    }

    @Test
    void theSubprotocolIsTheOneTheUpstreamChoseAmongTheClients() {
        String host = register("ws-chat", "http://127.0.0.1:" + echoUpstream.port());

        String greeting = HttpClient.create().headers(headers -> headers.set(HttpHeaders.HOST, host))
                .websocket(WebsocketClientSpec.builder().protocols("v2.chat,v1.chat").build())
                .uri("ws://localhost:" + port + "/chat")
                .handle((in, out) -> in.receive().asString().next().map(text -> text + ", selected " + in.selectedSubprotocol()))
                .blockFirst(Duration.ofSeconds(10));

        assertThat(greeting).isEqualTo("speaking v1.chat, selected v1.chat");
    }

    @Test
    void anUpstreamThatRefusesTheUpgradeAnswersTheClientWithItsOwnStatus() {
        String host = register("ws-refused", "http://127.0.0.1:" + echoUpstream.port());

        Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
                () -> client(host, "/refuse").handle((in, out) -> in.receive().then()).blockLast(Duration.ofSeconds(10)));

        assertThat(refused).isInstanceOf(WebSocketClientHandshakeException.class);
        assertThat(((WebSocketClientHandshakeException) refused).response().status().code()).isEqualTo(403);
    }

    @Test
    void anUpstreamThatCannotBeReachedIsTheGatewaysBadGateway() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String host = register("ws-unreachable", "http://127.0.0.1:" + closedPort);

        Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
                () -> client(host, "/echo").handle((in, out) -> in.receive().then()).blockLast(Duration.ofSeconds(10)));

        assertThat(refused).isInstanceOf(WebSocketClientHandshakeException.class);
        assertThat(((WebSocketClientHandshakeException) refused).response().status().code()).isEqualTo(502);
    }

    // ---- event streams and downloads ------------------------------------------------------------------------------

    @Test
    void anEventStreamIsMeteredWindowByWindowWhileItStreams() {
        String host = register("sse-long", "http://127.0.0.1:" + streamingUpstream.port());
        List<String> events = List.of("data: one\n\n", "data: two\n\n", "data: three\n\n");
        StringBuilder received = new StringBuilder();
        Disposable stream = WebClient.create("http://localhost:" + port).get().uri("/events").header(HttpHeaders.HOST, host)
                .retrieve().bodyToFlux(DataBuffer.class)
                .subscribe(buffer -> {
                    synchronized (received) {
                        received.append(buffer.toString(StandardCharsets.UTF_8));
                    }
                    DataBufferUtils.release(buffer);
                });
        Sinks.Many<String> upstream = nextStream();

        long sent = 0;
        for (String event : events) {
            upstream.tryEmitNext(event);
            sent += event.length();
            long expected = sent;
            await().atMost(Duration.ofSeconds(10)).until(() -> receivedLength(received) == expected);
            // the stream is open: what crossed is published already, in the windows that have closed
            awaitTotals("sse-long", new Totals(0, expected, 0));
        }
        upstream.tryEmitComplete();

        awaitTotals("sse-long", new Totals(0, sent, 1));
        assertThat(received.toString()).isEqualTo(String.join("", events));
        stream.dispose();
    }

    @Test
    void aLongDownloadIsMeteredAsItStreamsNotAtItsEnd() {
        String host = register("download-long", "http://127.0.0.1:" + streamingUpstream.port());
        String chunk = "x".repeat(64 * KIB);
        Disposable download = WebClient.create("http://localhost:" + port).get().uri("/download").header(HttpHeaders.HOST, host)
                .retrieve().bodyToFlux(DataBuffer.class).subscribe(DataBufferUtils::release);
        Sinks.Many<String> upstream = nextStream();

        for (int part = 1; part <= 3; part++) {
            upstream.tryEmitNext(chunk);
            awaitTotals("download-long", new Totals(0, (long) part * chunk.length(), 0));
        }
        upstream.tryEmitComplete();

        awaitTotals("download-long", new Totals(0, 3L * chunk.length(), 1));
        download.dispose();
    }

    // ---- gRPC -------------------------------------------------------------------------------------------------------

    @Test
    void aGrpcCallCrossesTheIngressOverHttp2WithItsTrailersAndIsMeteredExactly() throws InterruptedException {
        String host = register("grpc", "http://127.0.0.1:" + grpcUpstream.getPort());
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority(host).build();
        try {
            byte[] request = bytes(1000);

            byte[] answer = ClientCalls.blockingUnaryCall(channel, DOUBLE, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            List<byte[]> parts = new ArrayList<>();
            Iterator<byte[]> streamed = ClientCalls.blockingServerStreamingCall(channel, SPLIT,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            streamed.forEachRemaining(parts::add);
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(channel, REFUSE, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request));

            assertThat(answer).hasSize(2000).startsWith(request);
            assertThat(parts).hasSize(4).allSatisfy(part -> assertThat(part).hasSize(250));
            assertThat(refused.getStatus().getCode()).as("the upstream's status, from its trailers").isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(refused.getStatus().getDescription()).isEqualTo("not for you");
            // each gRPC message is a 5-byte prefix and its payload: three requests of 1000 bytes; answers 2000, 4 x 250, none
            awaitTotals("grpc", new Totals(3 * (5 + 1000), (5 + 2000) + 4 * (5 + 250), 3));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> DOUBLE = method("Double", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> SPLIT = method("Split", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> REFUSE = method("Refuse", MethodDescriptor.MethodType.UNARY);

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName("test.Bytes/" + name)
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
    }

    /** Double answers the request twice over; Split answers it in four parts; Refuse answers with an error status. */
    private static ServerServiceDefinition grpcService() {
        return ServerServiceDefinition.builder("test.Bytes")
                .addMethod(DOUBLE, ServerCalls.asyncUnaryCall((request, answer) -> {
                    byte[] doubled = Arrays.copyOf(request, request.length * 2);
                    System.arraycopy(request, 0, doubled, request.length, request.length);
                    answer.onNext(doubled);
                    answer.onCompleted();
                }))
                .addMethod(SPLIT, ServerCalls.asyncServerStreamingCall((request, answer) -> {
                    int part = request.length / 4;
                    for (int i = 0; i < 4; i++) {
                        answer.onNext(Arrays.copyOfRange(request, i * part, (i + 1) * part));
                    }
                    answer.onCompleted();
                }))
                .addMethod(REFUSE, ServerCalls.asyncUnaryCall((request, answer) ->
                        answer.onError(Status.PERMISSION_DENIED.withDescription("not for you").asRuntimeException())))
                .build();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static org.reactivestreams.Publisher<Void> greetAndEcho(WebsocketInbound in, WebsocketOutbound out) {
        return out.sendObject(Flux.concat(Mono.just(new TextWebSocketFrame(WELCOME)),
                in.aggregateFrames(64 * MIB).receiveFrames().map(WebSocketFrame::retain)));
    }

    private static Flux<String> newStream() {
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        openStreams.add(stream);
        return stream.asFlux();
    }

    private static Sinks.Many<String> nextStream() {
        try {
            Sinks.Many<String> stream = openStreams.poll(10, TimeUnit.SECONDS);
            assertThat(stream).as("the upstream was called").isNotNull();
            return stream;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int receivedLength(StringBuilder received) {
        synchronized (received) {
            return received.length();
        }
    }

    private HttpClient.WebsocketSender client(String host) {
        return client(host, "/echo");
    }

    private HttpClient.WebsocketSender client(String host, String path) {
        return HttpClient.create().headers(headers -> headers.set(HttpHeaders.HOST, host))
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(64 * MIB).build())
                .uri("ws://localhost:" + port + path);
    }

    /** A WebSocket connection through the gateway: sends what {@code toGateway} emits, puts every message received in {@code received}. */
    private Disposable connect(String host, Sinks.Many<WebSocketFrame> toGateway, BlockingQueue<byte[]> received) {
        return client(host).handle((in, out) -> out.sendObject(toGateway.asFlux())
                        .then().and(in.aggregateFrames(64 * MIB).receiveFrames().doOnNext(frame -> {
                            byte[] payload = new byte[frame.content().readableBytes()];
                            frame.content().readBytes(payload);
                            received.add(payload);
                        })))
                .subscribe();
    }

    private static byte[] next(BlockingQueue<byte[]> received) {
        try {
            byte[] message = received.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("a message came back").isNotNull();
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String register(String projectId, String upstreamUri) {
        String host = projectId + ".apps.localhost";
        api().put().uri("/api/admin/projects/" + projectId).header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"team_slug": "demo", "hosts": ["%s"], "upstream_uri": "%s"}
                        """.formatted(host, upstreamUri))
                .exchange().expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> api().get().uri("/api/admin/projects/" + projectId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + OPERATOR).exchange().returnResult(String.class).getStatus().value() == 200);
        return host;
    }

    private WebTestClient api() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(20)).build();
    }

    private static void awaitTotals(String projectId, Totals expected) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(traffic.totals(projectId)).isEqualTo(expected));
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
