package io.servelink.gateway.ingress;

/**
 * A request or response whose body bytes are counted as they cross it (the metering's decorators). The project
 * proxy ({@link IngressProxy}) reads and writes the one underneath and counts in the operator it has per buffer
 * anyway, so the counting adds no operator of its own to a proxied body; the gateway's route uses the decorator
 * as it is.
 *
 * @param <T> the request or response type
 */
public interface CountedBody<T> {

    /** The request or response underneath, which counts nothing. */
    T uncounted();

    /** Counts body bytes that crossed {@link #uncounted()}. */
    void count(long bytes);
}
