package io.servelink.gateway.ingress;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Project ingress ({@code servelink.gateway.ingress.*}).
 *
 * @param domainSuffix hosts under this suffix belong to projects: an unregistered one is a 404 from the gateway
 *                     (not the API's 401), and never reaches the API routes
 * @param upstreamReadTimeout the longest the project proxy waits for an upstream's next bytes once the request is
 *                     sent: its answer's headers (else a 504 problem) or more of its body (else the connection closes)
 * @param observations project requests go through the gateway's observed route (traces, metrics per request) instead
 *                     of the unobserved project proxy
 */
@ConfigurationProperties("servelink.gateway.ingress")
record IngressSettings(@DefaultValue(".apps.localhost") String domainSuffix, @DefaultValue("60s") Duration upstreamReadTimeout,
                       @DefaultValue("false") boolean observations) {

    IngressSettings {
        String suffix = domainSuffix.strip().toLowerCase(Locale.ROOT);
        domainSuffix = suffix.startsWith(".") ? suffix : "." + suffix;
    }
}
