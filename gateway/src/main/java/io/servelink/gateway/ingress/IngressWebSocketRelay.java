package io.servelink.gateway.ingress;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import org.reactivestreams.Subscription;
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
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;
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
                        upstreamIn.withConnection(Relay::bytesFromNowOn);
                        Sinks.Empty<Void> relayed = Sinks.empty();
                        // the relay starts with the client's side (reading it before anything else can) and runs on
                        // its own: Reactor Netty cancels a side's handler when that side's connection closes, and
                        // what came from that side before must still reach the other; both handlers wait for it
                        return acceptClient(exchange, upstreamIn, (clientIn, clientOut) -> {
                                    clientIn.withConnection(Relay::bytesFromNowOn);
                                    new Relay(clientIn, clientOut, upstreamIn, upstreamOut, meters).run()
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

    /** One upgraded connection: the client's side and the upstream's, relayed both ways. */
    private final class Relay {

        private final WebsocketInbound clientIn;
        private final WebsocketOutbound clientOut;
        private final WebsocketInbound upstreamIn;
        private final WebsocketOutbound upstreamOut;
        private final Meters meters;
        private final WebSocketFrameMeter fromClient = new WebSocketFrameMeter(maxMessagePayload);
        private final WebSocketFrameMeter toClient = new WebSocketFrameMeter(maxMessagePayload);

        Relay(WebsocketInbound clientIn, WebsocketOutbound clientOut, WebsocketInbound upstreamIn, WebsocketOutbound upstreamOut,
                Meters meters) {
            this.clientIn = clientIn;
            this.clientOut = clientOut;
            this.upstreamIn = upstreamIn;
            this.upstreamOut = upstreamOut;
            this.meters = meters;
        }

        /**
         * Both ways until one side's bytes end (its peer closed, its connection failed, or a message was too big) and
         * all of them are handed on; then both connections close. A way that stops because its destination went
         * does not decide: the bytes still coming from that destination's side are handed on until they end too.
         */
        Mono<Void> run() {
            // a close frame the client sent before the relay took the decoder's place was answered by Reactor Netty
            // itself, which tells its status: the upstream gets it after the client's last bytes
            AtomicReference<WebSocketCloseStatus> closedEarly = new AtomicReference<>();
            clientIn.receiveCloseStatus().subscribe(closedEarly::set);
            Flux<Object> fromTheClient = relayed(clientIn, fromClient, meters.fromClient(), false)
                    .concatWith(Mono.fromSupplier(closedEarly::get).map(status -> new CloseWebSocketFrame(status.code(), status.reasonText())));
            Mono<Void> toUpstream = way(fromTheClient, upstreamOut);
            Mono<Void> toTheClient = way(relayed(upstreamIn, toClient, meters.toClient(), true), clientOut);
            return Mono.firstWithSignal(toUpstream, toTheClient).then(Mono.defer(() -> {
                if (fromClient.tooBig() && toClient.atFrameBoundary()) {
                    return clientOut.sendClose(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), WebSocketCloseStatus.MESSAGE_TOO_BIG.reasonText());
                }
                return Mono.<Void>empty();
            }));
        }

        /**
         * One way, written to the destination's channel as it comes: the next message is asked for once the last one
         * is handed to the channel while it takes more, else once that write is done. Completes once the source ended
         * and all of it was written; never if the destination went first, and then the source is not cancelled
         * (Reactor Netty would answer that with a close frame of its own, ahead of what the other way still carries).
         */
        private static Mono<Void> way(Flux<Object> source, NettyOutbound destination) {
            Channel[] channel = new Channel[1];
            destination.withConnection(connection -> channel[0] = connection.channel());
            return Mono.create(written -> {
                BaseSubscriber<Object> writer = new BaseSubscriber<>() {
                    private ChannelFuture last;

                    @Override
                    protected void hookOnSubscribe(Subscription subscription) {
                        request(1);
                    }

                    @Override
                    protected void hookOnNext(Object message) {
                        last = channel[0].writeAndFlush(message);
                        if (channel[0].isWritable()) {
                            request(1);
                        } else {
                            last.addListener(done -> {
                                if (done.isSuccess()) {
                                    request(1);
                                }
                            });
                        }
                    }

                    @Override
                    protected void hookOnComplete() {
                        if (last == null) {
                            written.success();
                        } else {
                            last.addListener(done -> {
                                if (done.isSuccess()) {
                                    written.success();
                                }
                            });
                        }
                    }
                };
                written.onDispose(writer);
                source.subscribe(writer);
            });
        }

        /**
         * What comes in on one side, for the other side's connection: the bytes as they came, or frames its decoder
         * read before the relay began (the upstream may send right behind its handshake answer), which the other
         * side's encoder writes again. On a too-big message, the bytes before its frame and, towards the client, a
         * close frame (1009); then nothing more.
         */
        private Flux<Object> relayed(WebsocketInbound from, WebSocketFrameMeter meter, LongConsumer counted, boolean towardsClient) {
            return from.receiveObject().handle((message, sink) -> {
                        if (message instanceof WebSocketFrame frame) {
                            counted.accept(frame.content().readableBytes());
                            sink.next(frame.retain());
                            return;
                        }
                        if (!(message instanceof ByteBuf bytes)) {
                            sink.next(ReferenceCountUtil.retain(message));
                            return;
                        }
                        counted.accept(meter.payloadIn(bytes));
                        if (!meter.tooBig()) {
                            sink.next(bytes.retain());
                            return;
                        }
                        // the bytes before the too-big message's frame and, towards the client, a close frame (1009)
                        ByteBuf before = meter.tooBigAt() > 0 ? bytes.retainedSlice(bytes.readerIndex(), meter.tooBigAt()) : Unpooled.EMPTY_BUFFER;
                        if (towardsClient && meter.tooBigAt() >= 0) {
                            sink.next(Unpooled.wrappedBuffer(before, Unpooled.wrappedBuffer(CLOSE_MESSAGE_TOO_BIG)));
                        } else if (before.isReadable()) {
                            sink.next(before);
                        }
                        sink.complete();
                    })
                    .onErrorResume(CorruptedWebSocketFrameException.class, refused -> towardsClient
                            // the decoder refused a frame before the relay took its place: too big, or not a frame
                            ? Flux.just(new CloseWebSocketFrame(refused.closeStatus()))
                            : Flux.empty())
                    // a side whose connection failed has ended: what came before it is handed on
                    .onErrorComplete();
        }

        /** Takes the WebSocket frame decoders off a connection: from now on its inbound carries the bytes as they come. */
        private static void bytesFromNowOn(Connection connection) {
            ChannelPipeline pipeline = connection.channel().pipeline();
            for (ChannelHandler handler : pipeline.toMap().values()) {
                if (handler instanceof WebSocketFrameDecoder) {
                    pipeline.remove(handler);
                }
            }
        }
    }
}
