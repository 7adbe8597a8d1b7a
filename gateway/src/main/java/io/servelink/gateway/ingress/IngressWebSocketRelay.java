package io.servelink.gateway.ingress;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * WebSocket proxying of the gateway's routes, in place of Spring Cloud Gateway's own (application.yml switches
 * its {@code global-filter.websocket-routing} off), done as a reverse proxy does it:
 * <ol>
 * <li>the upstream's handshake first, with the client's headers as the project proxy forwards them
 * ({@link ProxyHeaders}) and the client's subprotocols; an upstream that refuses the upgrade answers the client
 * with its own status, one that cannot be reached is the gateway's 502 problem;</li>
 * <li>then the client's handshake, with the subprotocol and headers the upstream answered;</li>
 * <li>then the connection's bytes, relayed as they come both ways: frames are neither decoded nor encoded again,
 * nor, from the client, unmasked and masked again (RFC 6455 lets a proxy pass the client's masked frames on).</li>
 * </ol>
 * A {@link WebSocketFrameMeter} per direction follows the frame headers in the bytes as they cross: on a metered
 * exchange ({@link CountedBody}) the payload bytes from the client count on the request, those to the client on
 * the response, as they cross, so a connection open for hours shows up window by window; control frames count by
 * their payload too. The connection counts as one request: the exchange ends with the client's handshake. A message
 * (or control frame) above {@code servelink.gateway.ingress.websocket-max-frame-size} closes the connection: the
 * client gets a close frame with status 1009 (message too big) where the bytes it was sent end on a whole frame.
 * Permessage compression is not negotiated on either side (the bytes would need it end to end).
 */
final class IngressWebSocketRelay implements GlobalFilter, Ordered {

    /** Spring Cloud Gateway's order for its WebSocket routing: before the HTTP routing filter. */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1;

    private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    /** A server's close frame with status 1009 (message too big), as it goes on the wire: unmasked, no reason. */
    private static final byte[] CLOSE_MESSAGE_TOO_BIG = {(byte) 0x88, 0x02, 0x03, (byte) 0xF1};

    private final HttpClient httpClient;
    private final int maxMessagePayload;

    IngressWebSocketRelay(HttpClient httpClient, int maxMessagePayload) {
        this.httpClient = httpClient;
        this.maxMessagePayload = maxMessagePayload;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI routed = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
        if (routed == null || isAlreadyRouted(exchange) || !isWebSocketUpgrade(exchange.getRequest()) || !isHttpOrWs(routed.getScheme())) {
            return chain.filter(exchange);
        }
        setAlreadyRouted(exchange);
        Mono<Void> proxied = proxy(exchange, asWebSocketUri(routed))
                .onErrorResume(WebSocketClientHandshakeException.class, refused -> answerAsUpstream(exchange, refused));
        return IngressProxy.answeredUnlessUnreachable(proxied, exchange);
    }

    static boolean isWebSocketUpgrade(ServerHttpRequest request) {
        return "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade());
    }

    private static boolean isHttpOrWs(String scheme) {
        return switch (scheme == null ? "" : scheme.toLowerCase(Locale.ROOT)) {
            case "http", "https", "ws", "wss" -> true;
            default -> false;
        };
    }

    private static URI asWebSocketUri(URI routed) {
        String scheme = routed.getScheme().toLowerCase(Locale.ROOT);
        String webSocketScheme = scheme.equals("https") || scheme.equals("wss") ? "wss" : "ws";
        return UriComponentsBuilder.fromUri(routed).scheme(webSocketScheme).build(true).toUri();
    }

    /** Completes once the client's handshake is done (or fails before it); the connection goes on after that. */
    private Mono<Void> proxy(ServerWebExchange exchange, URI upstream) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders toUpstream = ProxyHeaders.toUpstream(request);
        toUpstream.headerNames().stream().filter(IngressWebSocketRelay::isHandshakeField).toList().forEach(toUpstream::remove);
        toUpstream.remove(HttpHeaders.HOST);
        List<String> subprotocols = request.getHeaders().getValuesAsList(SEC_WEBSOCKET_PROTOCOL);
        WebsocketClientSpec.Builder upstreamSpec = WebsocketClientSpec.builder().maxFramePayloadLength(maxMessagePayload).handlePing(true);
        if (!subprotocols.isEmpty()) {
            upstreamSpec.protocols(String.join(",", subprotocols));
        }
        Meters meters = Meters.of(exchange);
        return Mono.create(upgraded -> {
            AtomicBoolean accepted = new AtomicBoolean();
            Disposable connection = httpClient.headers(headers -> toUpstream.forEach((name, values) -> headers.add(name, values)))
                    .websocket(upstreamSpec.build())
                    .uri(upstream)
                    .handle((upstreamIn, upstreamOut) -> {
                        // before the client's handshake: what the upstream sends meanwhile waits as bytes
                        upstreamIn.withConnection(IngressWebSocketRelay::bytesFromNowOn);
                        Sinks.Empty<Void> relayed = Sinks.empty();
                        // the relay runs on its own, not as part of either side's handler: Reactor Netty ends a
                        // side's handler when that side's connection closes, and what came from that side before
                        // must still reach the other; both handlers wait for it
                        return acceptClient(exchange, upstreamIn, (clientIn, clientOut) -> {
                                    Connection[] sides = new Connection[2];
                                    clientIn.withConnection(side -> sides[0] = side);
                                    upstreamIn.withConnection(side -> sides[1] = side);
                                    new Relay(sides[0], sides[1], meters).run(clientIn, upstreamIn)
                                            .doFinally(signal -> relayed.tryEmitEmpty())
                                            .subscribe();
                                    return relayed.asMono();
                                })
                                .doOnSuccess(done -> {
                                    accepted.set(true);
                                    upgraded.success();
                                })
                                .then(relayed.asMono());
                    })
                    .subscribe(null, error -> {
                        if (!accepted.get()) {
                            upgraded.error(error);
                        }
                    });
            upgraded.onCancel(() -> {
                if (!accepted.get()) {
                    connection.dispose();
                }
            });
        });
    }

    /** The client's handshake, with what the upstream answered to the gateway's. */
    private Mono<Void> acceptClient(ServerWebExchange exchange, WebsocketInbound upstream,
            BiFunction<WebsocketInbound, WebsocketOutbound, Mono<Void>> relay) {
        ServerHttpResponse response = exchange.getResponse();
        HttpServerResponse client = ServerHttpResponseDecorator.getNativeResponse(response);
        ProxyHeaders.fromUpstream(upstream.headers(), (name, value) -> {
            if (!isHandshakeField(name)) {
                response.getHeaders().add(name, value);
            }
        });
        WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder().maxFramePayloadLength(maxMessagePayload).handlePing(true);
        if (upstream.selectedSubprotocol() != null) {
            spec.protocols(upstream.selectedSubprotocol());
        }
        // as Spring's own upgrade does it: the response's commit actions first (headers set by earlier filters)
        return response.setComplete().then(Mono.defer(() -> client.sendWebsocket(relay, spec.build())));
    }

    /** An upstream that answered the handshake with another status than 101: the client gets that status. */
    private static Mono<Void> answerAsUpstream(ServerWebExchange exchange, WebSocketClientHandshakeException refused) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(refused);
        }
        HttpStatus status = refused.response() == null ? null : HttpStatus.resolve(refused.response().status().code());
        response.setStatusCode(status == null || status.value() == HttpStatus.SWITCHING_PROTOCOLS.value() ? HttpStatus.BAD_GATEWAY : status);
        return response.setComplete();
    }

    /** Fields each side's handshake sets for itself. */
    private static boolean isHandshakeField(String name) {
        return name.regionMatches(true, 0, "sec-websocket-", 0, "sec-websocket-".length())
                || name.equalsIgnoreCase(HttpHeaders.UPGRADE) || name.equalsIgnoreCase(HttpHeaders.CONNECTION)
                || name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH) || name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING);
    }

    /** Where a connection's payload bytes count: the exchange's counted request and response, if it is metered. */
    private record Meters(LongConsumer fromClient, LongConsumer toClient) {

        private static final LongConsumer NOT_COUNTED = bytes -> { };

        static Meters of(ServerWebExchange exchange) {
            return new Meters(
                    CountedBody.of(exchange.getRequest()).<LongConsumer>map(counted -> counted::count).orElse(NOT_COUNTED),
                    CountedBody.of(exchange.getResponse()).<LongConsumer>map(counted -> counted::count).orElse(NOT_COUNTED));
        }
    }

    /**
     * One upgraded connection: the client's side and the upstream's, relayed both ways by a {@link Way} in each side's
     * channel pipeline, ahead of Reactor Netty's inbound bridge: a side's bytes are written to the other side's
     * channel as they are read and flushed once per read, with no reactive stage per message. What a side's frame
     * decoder read before the relay took its place is still in that side's Reactor Netty inbound: it is handed on
     * first. The relay ends, and both connections close, once one side's connection has closed (what it sent before
     * is handed on first) or a message was too big.
     */
    private final class Relay {

        private final Channel client;
        private final Channel upstream;
        private final Meters meters;
        private final Sinks.Empty<Void> ended = Sinks.empty();
        private final AtomicBoolean ending = new AtomicBoolean();
        private final WebSocketFrameMeter fromClient = new WebSocketFrameMeter(maxMessagePayload);
        private final WebSocketFrameMeter toClient = new WebSocketFrameMeter(maxMessagePayload);

        Relay(Connection client, Connection upstream, Meters meters) {
            this.client = client.channel();
            this.upstream = upstream.channel();
            this.meters = meters;
        }

        /** Starts both ways; the answer completes once the relay has ended. */
        Mono<Void> run(WebsocketInbound clientIn, WebsocketInbound upstreamIn) {
            // a close frame the client sent before the relay took the decoder's place was answered by Reactor Netty
            // itself, which tells its status: the upstream gets it after the client's last bytes
            AtomicReference<WebSocketCloseStatus> closedEarly = new AtomicReference<>();
            clientIn.receiveCloseStatus().subscribe(closedEarly::set);
            new Way(client, upstream, fromClient, meters.fromClient(), false).start(clientIn, () -> {
                WebSocketCloseStatus status = closedEarly.get();
                if (status != null) {
                    upstream.writeAndFlush(new CloseWebSocketFrame(status.code(), status.reasonText()));
                }
            });
            new Way(upstream, client, toClient, meters.toClient(), true).start(upstreamIn, () -> { });
            return ended.asMono();
        }

        /**
         * Both connections close once what was handed to each is written; the relay has ended once both are closed.
         * A side whose connection closed ends the relay once its inbound completes, after what it sent is handed on.
         */
        private void end() {
            if (!ending.compareAndSet(false, true)) {
                return;
            }
            for (Channel channel : List.of(client, upstream)) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            client.closeFuture().addListener(c -> upstream.closeFuture().addListener(u -> ended.tryEmitEmpty()));
        }

        /** One way: the bytes read on {@code from}, metered, written to {@code to}. */
        private final class Way extends ChannelInboundHandlerAdapter {

            private final Channel from;
            private final Channel to;
            private final WebSocketFrameMeter meter;
            private final LongConsumer counted;
            private final boolean towardsClient;

            Way(Channel from, Channel to, WebSocketFrameMeter meter, LongConsumer counted, boolean towardsClient) {
                this.from = from;
                this.to = to;
                this.meter = meter;
                this.counted = counted;
                this.towardsClient = towardsClient;
            }

            /**
             * On the source's event loop: the frame decoder goes (bytes it holds join the inbound), what the inbound
             * holds is handed on, then this way reads the bytes as they come.
             */
            void start(WebsocketInbound inbound, Runnable afterInbound) {
                from.eventLoop().execute(() -> {
                    ChannelPipeline pipeline = from.pipeline();
                    removeFrameDecoders(pipeline);
                    // completes when the source's connection closes, or at a close frame its decoder read
                    inbound.receiveObject().subscribe(this::handOnEarlier, this::failed, () -> {
                        afterInbound.run();
                        to.flush();
                        end();
                    });
                    if (from.isActive() && pipeline.get(NettyPipeline.ReactiveBridge) != null) {
                        pipeline.addBefore(NettyPipeline.ReactiveBridge, null, this);
                    }
                });
            }

            /** The source's decoder refused a frame before the relay took its place (too big, or not a frame). */
            private void failed(Throwable error) {
                if (towardsClient && error instanceof CorruptedWebSocketFrameException refused) {
                    to.writeAndFlush(new CloseWebSocketFrame(refused.closeStatus()));
                }
                end();
            }

            /** What the source's decoder had read: frames, which the destination's encoder writes again, or bytes. */
            private void handOnEarlier(Object message) {
                if (message instanceof WebSocketFrame frame) {
                    counted.accept(frame.content().readableBytes());
                    to.writeAndFlush(frame.retain());
                } else if (message instanceof ByteBuf bytes) {
                    handOn(bytes.retain());
                    to.flush();
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                if (message instanceof ByteBuf bytes) {
                    handOn(bytes);
                } else {
                    ctx.fireChannelRead(message);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                to.flush();
                ctx.fireChannelReadComplete();
            }

            /** The destination takes no more for now: the source is read again once it does. */
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                // this handler's channel is the other way's destination
                to.config().setAutoRead(from.isWritable());
                ctx.fireChannelWritabilityChanged();
            }

            /**
             * Hands {@code bytes} (released here) on; on a too-big message, the bytes before its frame and, towards the
             * client, a close frame (1009); then the relay ends.
             */
            private void handOn(ByteBuf bytes) {
                if (meter.tooBig()) {
                    bytes.release();
                    return;
                }
                counted.accept(meter.payloadIn(bytes));
                if (!meter.tooBig()) {
                    to.write(bytes);
                    if (!to.isWritable()) {
                        from.config().setAutoRead(false);
                    }
                    return;
                }
                ByteBuf before = meter.tooBigAt() > 0 ? bytes.retainedSlice(bytes.readerIndex(), meter.tooBigAt()) : Unpooled.EMPTY_BUFFER;
                bytes.release();
                if (towardsClient && meter.tooBigAt() >= 0) {
                    to.write(Unpooled.wrappedBuffer(before, Unpooled.wrappedBuffer(CLOSE_MESSAGE_TOO_BIG)));
                } else {
                    to.write(before);
                    if (!towardsClient && toClient.atFrameBoundary()) {
                        from.write(Unpooled.wrappedBuffer(CLOSE_MESSAGE_TOO_BIG));
                    }
                }
                end();
            }
        }
    }

    /** Takes the WebSocket frame decoders off a connection: from now on its inbound carries the bytes as they come. */
    private static void bytesFromNowOn(Connection connection) {
        removeFrameDecoders(connection.channel().pipeline());
    }

    private static void removeFrameDecoders(ChannelPipeline pipeline) {
        for (ChannelHandler handler : pipeline.toMap().values()) {
            if (handler instanceof WebSocketFrameDecoder) {
                pipeline.remove(handler);
            }
        }
    }
}
