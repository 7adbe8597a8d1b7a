package io.servelink.gateway.ingress;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Project ingress ({@code servelink.gateway.ingress.*}).
 *
 * @param domainSuffix hosts under this suffix belong to projects: an unregistered one is a 404 from the gateway
 *                     (not the API's 401), and never reaches the API routes
 * @param upstreamReadTimeout the longest the project proxy waits for an upstream's next bytes once the request is
 *                     sent: its answer's headers (else a 504 problem) or more of its body (else the connection closes)
 * @param observations project requests go through the gateway's observed route (traces, metrics per request) instead
 *                     of the unobserved project proxy
 * @param websocketMaxFrameSize the largest WebSocket message payload a project's connection carries, either way: a
 *                     frame (or a message of continuation frames, or a control frame) above it closes the connection,
 *                     the client getting status 1009 (message too big) ({@link IngressWebSocketRelay})
 * @param http2Cleartext accept HTTP/2 in cleartext (h2c) next to HTTP/1.1, for gRPC without TLS ({@link IngressHttp2})
 */
@ConfigurationProperties("servelink.gateway.ingress")
record IngressSettings(@DefaultValue(".apps.localhost") String domainSuffix, @DefaultValue("60s") Duration upstreamReadTimeout,
                       @DefaultValue("false") boolean observations, @DefaultValue("16MB") DataSize websocketMaxFrameSize,
                       @DefaultValue("false") boolean http2Cleartext) {

    IngressSettings {
        String suffix = domainSuffix.strip().toLowerCase(Locale.ROOT);
        domainSuffix = suffix.startsWith(".") ? suffix : "." + suffix;
        if (websocketMaxFrameSize.toBytes() < 1 || websocketMaxFrameSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("servelink.gateway.ingress.websocket-max-frame-size must be between 1 B and 2 GB");
        }
    }

    /** {@link #websocketMaxFrameSize()} in bytes, as Reactor Netty's handshakes take it too. */
    int websocketMaxFramePayloadLength() {
        return (int) websocketMaxFrameSize.toBytes();
    }
}
