package io.servelink.usage.storage;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.usage.storage.*}: which probe measures disk use ({@code docker}, {@code kubelet} or {@code none})
 * and where it reaches its peer.
 */
@ConfigurationProperties("servelink.usage.storage")
record StorageSettings(@DefaultValue("docker") String probe, @DefaultValue Docker docker, @DefaultValue Kubelet kubelet) {

    /**
     * @param url        {@code unix:///var/run/docker.sock} or {@code http://host:2375}
     * @param label      the label that names a container's or volume's project
     * @param apiVersion path prefix of the Engine API version spoken
     * @param connectTimeout  how long opening a connection to the engine may take
     * @param responseTimeout how long the engine may take to answer (the time limiter
     *                   {@code resilience4j.timelimiter.instances.docker-engine} bounds each attempt as a whole)
     */
    record Docker(@DefaultValue("unix:///var/run/docker.sock") URI url, @DefaultValue("servelink.project") String label,
                  @DefaultValue("v1.43") String apiVersion, @DefaultValue("2s") Duration connectTimeout,
                  @DefaultValue("20s") Duration responseTimeout) {
    }

    /**
     * @param url             the kubelet's (or the API server's node proxy) base URL, e.g. https://node:10250
     * @param tokenFile       a bearer token file (the service account's), empty for none
     * @param namespacePrefix projects run in namespace {@code <prefix><project id>}
     * @param connectTimeout  how long opening a connection to the kubelet may take
     * @param responseTimeout how long the kubelet may take to answer (the time limiter
     *                        {@code resilience4j.timelimiter.instances.kubelet} bounds each attempt as a whole)
     */
    record Kubelet(@DefaultValue("https://localhost:10250") URI url,
                   @DefaultValue("") String tokenFile,
                   @DefaultValue("project-") String namespacePrefix,
                   @DefaultValue("2s") Duration connectTimeout,
                   @DefaultValue("10s") Duration responseTimeout) {
    }
}
