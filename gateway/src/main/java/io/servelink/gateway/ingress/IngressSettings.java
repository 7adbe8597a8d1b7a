package io.servelink.gateway.ingress;

import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Project ingress ({@code servelink.gateway.ingress.*}).
 *
 * @param domainSuffix hosts under this suffix belong to projects: an unregistered one is a 404 from the gateway
 *                     (not the API's 401), and never reaches the API routes
 */
@ConfigurationProperties("servelink.gateway.ingress")
record IngressSettings(@DefaultValue(".apps.localhost") String domainSuffix) {

    IngressSettings {
        String suffix = domainSuffix.strip().toLowerCase(Locale.ROOT);
        domainSuffix = suffix.startsWith(".") ? suffix : "." + suffix;
    }
}
