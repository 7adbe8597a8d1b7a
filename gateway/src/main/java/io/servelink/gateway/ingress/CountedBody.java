package io.servelink.gateway.ingress;

import java.util.Optional;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

/**
 * A request or response whose body bytes are counted as they cross it (the metering's decorators). The project
 * proxy ({@link IngressProxy}) reads and writes the one underneath and counts in the operator it has per buffer
 * anyway, so the counting adds no operator of its own to a proxied body; the gateway's route uses the decorator
 * as it is. A WebSocket connection's messages count here too ({@link IngressWebSocketRelay}): those from the
 * client on the request, those to the client on the response.
 *
 * @param <T> the request or response type
 */
public interface CountedBody<T> {

    /** The request or response underneath, which counts nothing. */
    T uncounted();

    /** Counts body bytes that crossed {@link #uncounted()}. */
    void count(long bytes);

    /** The counted request among {@code request} and the ones it decorates, if the exchange is metered. */
    static Optional<CountedBody<?>> of(ServerHttpRequest request) {
        for (ServerHttpRequest current = request; current != null; ) {
            if (current instanceof CountedBody<?> counted) {
                return Optional.of(counted);
            }
            current = current instanceof ServerHttpRequestDecorator decorator ? decorator.getDelegate() : null;
        }
        return Optional.empty();
    }

    /** The counted response among {@code response} and the ones it decorates, if the exchange is metered. */
    static Optional<CountedBody<?>> of(ServerHttpResponse response) {
        for (ServerHttpResponse current = response; current != null; ) {
            if (current instanceof CountedBody<?> counted) {
                return Optional.of(counted);
            }
            current = current instanceof ServerHttpResponseDecorator decorator ? decorator.getDelegate() : null;
        }
        return Optional.empty();
    }
}
