package io.servelink.gateway.ingress;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The WebSocket upgrade of the gateway's route, metered: on a metered exchange ({@link CountedBody}) each message's
 * payload counts as it crosses the client's connection, a message from the client on the request's count (as the
 * gateway receives it), a message to the client on the response's count (as the gateway hands it to the
 * connection). So a connection that stays open for hours shows up window by window, in the same traffic windows as
 * HTTP bodies. The connection counts as one request once upgraded (the exchange ends with the handshake; the messages
 * flow after it). Control frames the proxy relays (ping, pong) count by their payload too; the handshake has no body.
 */
final class MeteredWebSocketService implements WebSocketService {

    private final WebSocketService delegate;

    MeteredWebSocketService(WebSocketService delegate) {
        this.delegate = delegate;
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        Optional<CountedBody<?>> fromClient = CountedBody.of(exchange.getRequest());
        Optional<CountedBody<?>> toClient = CountedBody.of(exchange.getResponse());
        if (fromClient.isEmpty() || toClient.isEmpty()) {
            return delegate.handleRequest(exchange, handler);
        }
        return delegate.handleRequest(exchange, new CountingHandler(handler, fromClient.get(), toClient.get()));
    }

    private record CountingHandler(WebSocketHandler handler, CountedBody<?> fromClient, CountedBody<?> toClient)
            implements WebSocketHandler {

        @Override
        public java.util.List<String> getSubProtocols() {
            return handler.getSubProtocols();
        }

        @Override
        public Mono<Void> handle(WebSocketSession session) {
            return handler.handle(new CountingSession(session, fromClient, toClient));
        }
    }

    /** The client's session, counting the payload of what it receives and sends. */
    private record CountingSession(WebSocketSession session, CountedBody<?> fromClient, CountedBody<?> toClient)
            implements WebSocketSession {

        @Override
        public Flux<WebSocketMessage> receive() {
            return session.receive().doOnNext(message -> fromClient.count(message.getPayload().readableByteCount()));
        }

        @Override
        public Mono<Void> send(Publisher<WebSocketMessage> messages) {
            return session.send(Flux.from(messages).doOnNext(message -> toClient.count(message.getPayload().readableByteCount())));
        }

        @Override
        public String getId() {
            return session.getId();
        }

        @Override
        public HandshakeInfo getHandshakeInfo() {
            return session.getHandshakeInfo();
        }

        @Override
        public DataBufferFactory bufferFactory() {
            return session.bufferFactory();
        }

        @Override
        public Map<String, Object> getAttributes() {
            return session.getAttributes();
        }

        @Override
        public boolean isOpen() {
            return session.isOpen();
        }

        @Override
        public Mono<Void> close(CloseStatus status) {
            return session.close(status);
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return session.closeStatus();
        }

        @Override
        public WebSocketMessage textMessage(String payload) {
            return session.textMessage(payload);
        }

        @Override
        public WebSocketMessage binaryMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return session.binaryMessage(payloadFactory);
        }

        @Override
        public WebSocketMessage pingMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return session.pingMessage(payloadFactory);
        }

        @Override
        public WebSocketMessage pongMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return session.pongMessage(payloadFactory);
        }
    }
}
