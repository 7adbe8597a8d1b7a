package io.servelink.usage.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.servelink.starter.client.PeerClients;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

/** {@code servelink.usage.storage.probe} chooses the probe; a setting it cannot work with stops the service at startup. */
class StorageProbeConfigurationTest {

    @TempDir
    Path data;

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(StorageProbeConfiguration.class)
            .withBean(PeerClients.class, () -> new PeerClients(WebClient::builder, null, CircuitBreakerRegistry.ofDefaults(),
                    TimeLimiterRegistry.ofDefaults(), RetryRegistry.ofDefaults()))
            .withUserConfiguration(Settings.class);

    @EnableConfigurationProperties(StorageSettings.class)
    static class Settings {
    }

    @Test
    void selectsTheDirectoryProbeOnItsRoot() {
        context.withPropertyValues("servelink.usage.storage.probe=directory", "servelink.usage.storage.directory.root=" + data)
                .run(started -> assertThat(started.getBean(StorageProbe.class)).isInstanceOf(DirectoryStorageProbe.class));
    }

    @Test
    void selectsTheKubeletProbeWithTheClusterCaGiven() {
        context.withPropertyValues("servelink.usage.storage.probe=kubelet", "servelink.usage.storage.kubelet.ca-file=",
                        "servelink.usage.storage.kubelet.api-server=https://kubernetes.default.svc")
                .run(started -> assertThat(started.getBean(StorageProbe.class)).isInstanceOf(KubeletStatsProbe.class));
    }

    @Test
    void refusesToStartTheDirectoryProbeWithoutARoot() {
        context.withPropertyValues("servelink.usage.storage.probe=directory")
                .run(failed -> assertThat(failed).getFailure().rootCause()
                        .hasMessageContaining("servelink.usage.storage.directory.root must be set"));
    }

    @Test
    void refusesToStartAnUnknownProbe() {
        context.withPropertyValues("servelink.usage.storage.probe=kubernetes")
                .run(failed -> assertThat(failed).getFailure().rootCause()
                        .hasMessageContaining("servelink.usage.storage.probe must be docker, kubelet, directory or none; got kubernetes"));
    }

    @Test
    void refusesToStartTheKubeletProbeWhenTheClusterCaIsMissing() {
        context.withPropertyValues("servelink.usage.storage.probe=kubelet", "servelink.usage.storage.kubelet.ca-file=" + data.resolve("ca.crt"))
                .run(failed -> assertThat(failed).getFailure().rootCause()
                        .hasMessageContaining("servelink.usage.storage.kubelet.ca-file: cannot read the cluster CA"));
    }

    @Test
    void refusesToStartWithADockerUrlThatIsNeitherASocketNorHttp() {
        context.withPropertyValues("servelink.usage.storage.docker.url=tcp://localhost:2375")
                .run(failed -> assertThat(failed).getFailure().rootCause()
                        .hasMessageContaining("servelink.usage.storage.docker.url must be unix:///path/to/docker.sock"));
    }
}
