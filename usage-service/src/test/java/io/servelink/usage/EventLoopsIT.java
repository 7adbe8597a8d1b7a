package io.servelink.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.starter.netty.EventLoopSizing;
import io.servelink.infra.test.ServiceIT;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The service's HTTP server, its clients and its R2DBC driver share one event loop per processor, at least two. */
@ServiceIT
class EventLoopsIT {

    @LocalServerPort
    int port;

    @Test
    void servesSixteenConnectionsAtOnceOnOneEventLoopPerProcessor() {
        int expected = Math.max(2, Runtime.getRuntime().availableProcessors());
        assertThat(System.getProperty(EventLoopSizing.WORKERS_PROPERTY)).isEqualTo(Integer.toString(expected));

        // sixteen connections at once: Reactor Netty's own default would have spread them over at least four loops
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).baseUrl("http://localhost:" + port);
        Flux.range(0, 16)
                .flatMap(i -> client.get().uri("/actuator/health/liveness").responseSingle((response, body) -> body.asString()), 16)
                .collectList()
                .block(Duration.ofSeconds(30));

        long loops = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("reactor-http-"))
                .count();
        assertThat(loops).as("reactor-http-* event loop threads").isBetween(1L, (long) expected);
    }
}
