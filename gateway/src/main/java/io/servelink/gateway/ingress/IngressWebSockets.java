package io.servelink.gateway.ingress;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/** WebSocket proxying of the gateway's routes: {@link IngressWebSocketRelay}, with the gateway's HTTP client. */
@Configuration(proxyBeanMethods = false)
class IngressWebSockets {

    @Bean
    IngressWebSocketRelay ingressWebSocketRelay(HttpClient httpClient, IngressSettings settings) {
        return new IngressWebSocketRelay(httpClient, settings.websocketMaxFramePayloadLength());
    }
}
