package io.servelink.gateway.ingress;

import java.util.EnumSet;
import java.util.List;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.HttpProtocol;

/**
 * The gateway accepts HTTP/2 in cleartext (h2c, by prior knowledge as gRPC clients send it, or by upgrade) next to
 * HTTP/1.1 on its plain port, so gRPC reaches projects through an ingress or load balancer that speaks h2c to it.
 * With TLS on the gateway itself, Spring Boot's {@code server.http2.enabled} negotiates HTTP/2 by ALPN instead and
 * this adds nothing.
 */
@Configuration(proxyBeanMethods = false)
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
