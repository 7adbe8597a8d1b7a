package io.servelink.starter.audit;

import java.net.InetSocketAddress;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Where a request came from: the TCP peer (usually the gateway) and the {@code X-Forwarded-For} chain it relayed.
 * The forwarded chain is recorded as given, for the record; it is not trusted for decisions.
 */
public record RequestOrigin(String remoteAddress, String forwardedFor) {

    /** No request: a scheduled job or a consumed event did it. */
    public static final RequestOrigin NONE = new RequestOrigin(null, null);

    private static final int MAX_FORWARDED = 300;

    public static RequestOrigin of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        String address = remote == null ? null
                : remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
        String forwarded = request.getHeaders().getFirst("X-Forwarded-For");
        if (forwarded != null && forwarded.length() > MAX_FORWARDED) {
            forwarded = forwarded.substring(0, MAX_FORWARDED);
        }
        return new RequestOrigin(address, forwarded);
    }
}
