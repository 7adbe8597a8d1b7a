package io.servelink.payment.webhook;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.RequestOrigin;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.net.URI;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/payments/callback}: the provider's webhook. No user token (a public path); the HMAC signature
 * over the raw bytes is the authentication, so the body is read as bytes, never re-serialised.
 */
@RestController
@SecurityScheme(name = "webhook-signature", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        paramName = WebhookSignature.SIGNATURE_HEADER, description = "The provider's HMAC-SHA256 signature of the "
        + WebhookSignature.TIMESTAMP_HEADER + " header and the raw body, with the shared webhook secret")
class WebhookController {

    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final WebhookService service;

    WebhookController(WebhookService service) {
        this.service = service;
    }

    // No user token: the provider's HMAC signature over the timestamp and body authenticates it.
    @SecurityRequirement(name = "webhook-signature")
    @ApiResponse(responseCode = "401", description = "Missing, stale or wrong signature headers")
    @ApiResponse(responseCode = "413", description = "The body is over 64 KiB")
    @PostMapping("/api/payments/callback")
    Mono<WebhookService.Receipt> callback(ServerHttpRequest request) {
        String timestamp = request.getHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String signature = request.getHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
        return DataBufferUtils.join(request.getBody(), MAX_BODY_BYTES)
                .map(WebhookController::bytes)
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> new ApiProblem(HttpStatus.CONTENT_TOO_LARGE,
                        URI.create("https://problems.servelink.io/payload-too-large"), "Payload too large",
                        "A webhook body is at most " + MAX_BODY_BYTES + " bytes"))
                .flatMap(body -> service.receive(body, timestamp, signature, RequestOrigin.of(request)));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
