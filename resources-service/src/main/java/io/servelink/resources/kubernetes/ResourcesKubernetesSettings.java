package io.servelink.resources.kubernetes;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code servelink.resources.kubernetes.*}: the optional reconciler that keeps a ResourceQuota and a LimitRange in each
 * team's namespace equal to the team's effective RAM, CPU and storage. How often it resyncs every team is the cron of
 * its job, {@code servelink.jobs.kubernetes-resync.cron}.
 *
 * @param enabled          whether the reconciler runs at all (off by default: nothing is read, nothing is written)
 * @param namespacePattern the team's namespace, {@code {team}} replaced by the team's slug
 * @param labels           labels put on the objects besides {@code app.kubernetes.io/managed-by=servelink-resources}
 *                         and {@code servelink.io/team}
 * @param apiUrl           the Kubernetes API server; unset: the in-cluster service account (or {@code KUBECONFIG} /
 *                         {@code ~/.kube/config}) as fabric8's client finds it
 * @param connectTimeout   how long opening a connection to the API server may take
 * @param requestTimeout   how long one API request may take
 * @param retries          how often a request the API server could not answer (connection error, 5xx) is sent again
 * @param retryBackoff     the pause before the first retry, doubled for each further one
 */
@Validated
@ConfigurationProperties("servelink.resources.kubernetes")
public record ResourcesKubernetesSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("team-{team}") @NotBlank @Pattern(regexp = ".*\\{team}.*", message = "must contain {team}") String namespacePattern,
        @DefaultValue Map<String, String> labels,
        URI apiUrl,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("3") @Min(0) int retries,
        @DefaultValue("500ms") Duration retryBackoff) {

    public ResourcesKubernetesSettings {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The namespace of a team's projects. */
    public String namespaceOf(String teamSlug) {
        return namespacePattern.replace("{team}", teamSlug);
    }
}
