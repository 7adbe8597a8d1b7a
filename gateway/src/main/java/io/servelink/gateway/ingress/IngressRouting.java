package io.servelink.gateway.ingress;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/**
 * The gateway's routing filter is {@link IngressRoutingFilter}: application.yml switches Spring Cloud Gateway's own
 * off ({@code global-filter.netty-routing.enabled=false}), which also drops the response writer that depends on
 * it, declared again here as it was. Same bean names as the gateway's: were its own switched back on, the start
 * would fail on the duplicate instead of routing every request twice.
 */
@Configuration(proxyBeanMethods = false)
class IngressRouting {

    @Bean
    IngressRoutingFilter routingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties, @Value("${servelink.gateway.ingress.observations:false}") boolean ingressObserved) {
        return new IngressRoutingFilter(httpClient, headersFilters, properties, ingressObserved);
    }

    @Bean
    NettyWriteResponseFilter nettyWriteResponseFilter(GatewayProperties properties, ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
        return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), headersFilters);
    }
}
