package io.servelink.gateway.ingress;

import java.util.EnumSet;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.HttpProtocol;

/**
 * With {@code servelink.gateway.ingress.http2-cleartext=true} the gateway accepts HTTP/2 in cleartext (h2c, by prior
 * knowledge as gRPC clients send it, or by upgrade) next to HTTP/1.1 on its plain port, so gRPC reaches projects
 * directly or through a load balancer that speaks h2c to it. Off by default: while on, Netty answers an HTTP/1.1
 * request that asks to upgrade to h2c and carries a body (the JDK's HTTP client does so by default on a new
 * connection) with a bare 413, before any filter. With TLS on the gateway itself, Spring Boot's
 * {@code server.http2.enabled} negotiates HTTP/2 by ALPN instead and this adds nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "servelink.gateway.ingress.http2-cleartext", havingValue = "true")
class IngressHttp2 {

    @Bean
    NettyServerCustomizer cleartextHttp2() {
        return server -> {
            if (server.configuration().sslProvider() != null) {
                return server;
            }
            EnumSet<HttpProtocol> protocols = EnumSet.of(HttpProtocol.H2C);
            protocols.addAll(List.of(server.configuration().protocols()));
            return server.protocol(protocols.toArray(HttpProtocol[]::new));
        };
    }
}
