package io.servelink.starter;

import io.servelink.contracts.problem.ProblemTypes;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem+json response from a filter or a security handler, where no controller advice runs.
 */
public final class ProblemWriter {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ProblemWriter() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, URI type, String title, String detail) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.toString());
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", exchange.getRequest().getPath().value());
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(MAPPER.writeValueAsBytes(body));
        return response.writeWith(Mono.just(buffer));
    }

    public static Mono<Void> unauthenticated(ServerWebExchange exchange, String detail) {
        return write(exchange, HttpStatus.UNAUTHORIZED, ProblemTypes.UNAUTHENTICATED, "Unauthenticated", detail);
    }

    public static Mono<Void> forbidden(ServerWebExchange exchange, String detail) {
        return write(exchange, HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN, "Forbidden", detail);
    }

    public static Mono<Void> notFound(ServerWebExchange exchange, String detail) {
        return write(exchange, HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", detail);
    }
}
