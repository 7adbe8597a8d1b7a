package io.servelink.usage.storage;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.URI;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The one client of the Docker Engine API, over TCP ({@code http://host:2375}) or the engine's unix socket
 * ({@code unix:///var/run/docker.sock}). Calls run under the Resilience4j time limiter, retry (reads only, so
 * idempotent) and circuit breaker {@code docker-engine} configured in application.yml.
 */
final class DockerEngineClient {

    static final String INSTANCE = "docker-engine";
    private static final String UNIX = "unix";

    private final WebClient web;
    private final String target;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final Retry retry;

    DockerEngineClient(StorageSettings.Docker settings, CircuitBreakerRegistry breakers,
                       TimeLimiterRegistry timeLimiters, RetryRegistry retries) {
        URI url = settings.url();
        this.target = url.toString();
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
        String baseUrl = url.toString();
        if (UNIX.equals(url.getScheme())) {
            DomainSocketAddress socket = new DomainSocketAddress(url.getPath());
            http = http.remoteAddress(() -> socket);
            baseUrl = "http://localhost";
        }
        this.web = WebClient.builder().baseUrl(baseUrl + "/" + settings.apiVersion())
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
        this.breaker = breakers.circuitBreaker(INSTANCE);
        this.timeLimiter = timeLimiters.timeLimiter(INSTANCE);
        this.retry = retries.retry(INSTANCE);
    }

    String target() {
        return target;
    }

    /** {@code GET /system/df}: images, containers (with their writable layer sizes) and volumes with their sizes. */
    Mono<DockerDiskUsage> diskUsage() {
        return web.get().uri("/system/df")
                .retrieve()
                .bodyToMono(DockerDiskUsage.class)
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .transformDeferred(RetryOperator.of(retry))
                .transformDeferred(CircuitBreakerOperator.of(breaker));
    }
}
