package io.servelink.gateway.ingress;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.WebsocketRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * WebSocket proxying of the {@code project-ingress} route, declared here in place of Spring Cloud Gateway's own
 * (application.yml switches its {@code global-filter.websocket-routing} off; same bean names, so switching it back
 * on fails the start instead of proxying twice). Two differences: messages up to
 * {@code servelink.gateway.ingress.websocket-max-frame-size} (16 MB) pass both ways, on the client's side of the
 * gateway (the upgrade) and on the upstream's (the gateway's WebSocket client), where Reactor Netty's default of
 * 64 KiB closed the connection on a larger frame; and a project connection's messages are metered as they cross
 * ({@link MeteredWebSocketService}).
 */
@Configuration(proxyBeanMethods = false)
class IngressWebSockets {

    @Bean
    ReactorNettyWebSocketClient reactorNettyWebSocketClient(HttpClient httpClient, HttpClientProperties properties,
            IngressSettings settings) {
        boolean proxyPing = properties.getWebsocket().isProxyPing();
        return new ReactorNettyWebSocketClient(httpClient, () -> WebsocketClientSpec.builder()
                .maxFramePayloadLength(settings.websocketMaxFramePayloadLength()).handlePing(proxyPing));
    }

    @Bean
    ReactorNettyRequestUpgradeStrategy reactorNettyRequestUpgradeStrategy(HttpClientProperties properties, IngressSettings settings) {
        boolean proxyPing = properties.getWebsocket().isProxyPing();
        return new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder()
                .maxFramePayloadLength(settings.websocketMaxFramePayloadLength()).handlePing(proxyPing));
    }

    @Bean
    WebSocketService webSocketService(ReactorNettyRequestUpgradeStrategy upgrades) {
        return new MeteredWebSocketService(new HandshakeWebSocketService(upgrades));
    }

    @Bean
    WebsocketRoutingFilter websocketRoutingFilter(ReactorNettyWebSocketClient client, WebSocketService webSocketService,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
        return new WebsocketRoutingFilter(client, webSocketService, headersFilters);
    }
}
