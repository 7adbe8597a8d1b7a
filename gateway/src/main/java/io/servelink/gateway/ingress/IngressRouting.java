package io.servelink.gateway.ingress;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/**
 * Project requests are proxied by {@link IngressProxy}, a web filter ahead of the gateway's handler mapping; the
 * rest (API routes, and the project requests the proxy leaves to the {@code project-ingress} route) is routed by
 * {@link IngressRoutingFilter}: application.yml switches Spring Cloud Gateway's own
 * off ({@code global-filter.netty-routing.enabled=false}), which also drops the response writer that depends on
 * it, declared again here as it was. Same bean names as the gateway's: were its own switched back on, the start
 * would fail on the duplicate instead of routing every request twice.
 */
@Configuration(proxyBeanMethods = false)
class IngressRouting {

    @Bean
    IngressRoutingFilter routingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties, IngressSettings settings) {
        return new IngressRoutingFilter(httpClient, headersFilters, properties, settings.observations());
    }

    /** The project proxy; off while project traffic is observed (the route's filters carry the observation). */
    @Bean
    @ConditionalOnProperty(name = "servelink.gateway.ingress.observations", havingValue = "false", matchIfMissing = true)
    IngressProxy ingressProxy(IngressHosts hosts, HttpClient httpClient, HttpClientProperties properties, IngressSettings settings,
            GatewayProperties gateway) {
        return new IngressProxy(hosts, httpClient, properties.getConnectTimeout(), settings.upstreamReadTimeout(),
                gateway.getStreamingMediaTypes());
    }

    @Bean
    NettyWriteResponseFilter nettyWriteResponseFilter(GatewayProperties properties, ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
        return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), headersFilters);
    }
}
