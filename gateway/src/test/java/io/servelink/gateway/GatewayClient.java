package io.servelink.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.ClientResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Calls the gateway under test with any Host, counting response bodies as they stream (they may be large). */
final class GatewayClient {

    private final WebClient client = WebClient.create();
    private final String base;

    GatewayClient(int port) {
        this.base = "http://localhost:" + port;
    }

    Reply send(HttpMethod method, String host, String path, String token, Flux<DataBuffer> body, Long contentLength) {
        WebClient.RequestBodySpec request = client.method(method).uri(URI.create(base + path)); // sent as written, no template encoding
        if (host != null) {
            request = request.header(HttpHeaders.HOST, host);
        }
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        if (contentLength != null) {
            request = request.contentLength(contentLength);
        }
        WebClient.RequestHeadersSpec<?> ready = body == null ? request : request.contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(body, DataBuffer.class);
        return ready.exchangeToMono(GatewayClient::read).block(Duration.ofSeconds(60));
    }

    Reply get(String host, String path) {
        return send(HttpMethod.GET, host, path, null, null, null);
    }

    Reply get(String host, String path, String headerName, String headerValue) {
        return client.get().uri(URI.create(base + path)).header(HttpHeaders.HOST, host).header(headerName, headerValue)
                .exchangeToMono(GatewayClient::read).block(Duration.ofSeconds(60));
    }

    Reply get(String host, String path, HttpHeaders headers) {
        return client.get().uri(URI.create(base + path)).header(HttpHeaders.HOST, host).headers(all -> all.addAll(headers))
                .exchangeToMono(GatewayClient::read).block(Duration.ofSeconds(60));
    }

    private static Mono<Reply> read(ClientResponse response) {
        AtomicLong bytes = new AtomicLong();
        StringBuilder start = new StringBuilder();
        return response.bodyToFlux(DataBuffer.class)
                .doOnNext(buffer -> {
                    bytes.addAndGet(buffer.readableByteCount());
                    if (start.length() < 4096) {
                        start.append(buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    DataBufferUtils.release(buffer);
                })
                .then(Mono.fromSupplier(() -> new Reply(response.statusCode().value(), response.headers().asHttpHeaders(),
                        bytes.get(), start.toString())));
    }

    record Reply(int status, HttpHeaders headers, long bodyBytes, String text) {
    }
}
