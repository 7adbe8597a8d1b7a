package io.servelink.usage.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.usage.storage.*}: which probe measures disk use ({@code docker}, {@code kubelet}, {@code directory}
 * or {@code none}) and where it reaches what it measures.
 */
@ConfigurationProperties("servelink.usage.storage")
record StorageSettings(@DefaultValue("docker") String probe, @DefaultValue Docker docker, @DefaultValue Kubelet kubelet,
                       @DefaultValue Directory directory) {

    /** A label key as Docker and Kubernetes write it; it goes into filters and selectors as it is. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?");

    static String requireLabelKey(String property, String label) {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException(property + " must be a label key (letters, digits, '.', '_', '-', '/'); got " + label);
        }
        return label;
    }

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

        Docker {
            String scheme = url == null ? null : url.getScheme();
            if (!"unix".equals(scheme) && !"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("servelink.usage.storage.docker.url must be unix:///path/to/docker.sock or "
                        + "http(s)://host:port; got " + url);
            }
            if ("unix".equals(scheme) && (url.getPath() == null || url.getPath().isBlank())) {
                throw new IllegalArgumentException("servelink.usage.storage.docker.url names no socket path: " + url);
            }
            requireLabelKey("servelink.usage.storage.docker.label", label);
        }
    }

    /**
     * @param apiServer       the Kubernetes API server; each node's kubelet is read through its node proxy
     * @param tokenFile       the service account's bearer token file (read at every run), empty for none
     * @param caFile          the cluster CA that signed the API server's certificate (PEM), empty for the JVM's CAs
     * @param namespacePrefix projects run in namespace {@code <prefix><project id>}
     * @param label           the label that names a pod's or claim's project outside project namespaces
     * @param nodeConcurrency how many nodes' summaries are read at once
     * @param connectTimeout  how long opening a connection to the API server may take
     * @param responseTimeout how long one answer may take (the time limiter
     *                        {@code resilience4j.timelimiter.instances.kubelet} bounds each attempt as a whole)
     */
    record Kubelet(@DefaultValue("https://kubernetes.default.svc") URI apiServer,
                   @DefaultValue("/var/run/secrets/kubernetes.io/serviceaccount/token") String tokenFile,
                   @DefaultValue("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt") String caFile,
                   @DefaultValue("project-") String namespacePrefix,
                   @DefaultValue("servelink.project") String label,
                   @DefaultValue("4") int nodeConcurrency,
                   @DefaultValue("2s") Duration connectTimeout,
                   @DefaultValue("10s") Duration responseTimeout) {

        Kubelet {
            requireLabelKey("servelink.usage.storage.kubelet.label", label);
            if (nodeConcurrency < 1) {
                throw new IllegalArgumentException("servelink.usage.storage.kubelet.node-concurrency must be at least 1; got "
                        + nodeConcurrency);
            }
        }
    }

    /**
     * @param root each project's data lives in {@code <root>/<project id>}; required by the {@code directory} probe
     */
    record Directory(Path root) {
    }
}
