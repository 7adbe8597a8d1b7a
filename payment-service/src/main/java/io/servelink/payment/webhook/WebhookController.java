package io.servelink.payment.webhook;

import io.servelink.starter.ApiProblem;
import io.servelink.payment.provider.PaymentProviders;
import io.servelink.starter.audit.RequestOrigin;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/payments/callback}: the generic contract's webhook; {@code POST /api/webhooks/{provider}}: the webhook
 * of an adapter whose provider has its own format (FedaPay, Stripe). No user token (a public path); the HMAC signature
 * over the raw bytes is the authentication, so the body is read as bytes, never re-serialised.
 */
@RestController
@SecurityScheme(name = "fedapay-signature", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        paramName = "X-FEDAPAY-SIGNATURE", description = "FedaPay's t=<unix seconds>,s=<hex>: HMAC-SHA256 of t.rawBody under "
        + "the FedaPay endpoint's secret")
@SecurityScheme(name = "stripe-signature", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        paramName = "Stripe-Signature", description = "Stripe's t=<unix seconds>,v1=<hex>: HMAC-SHA256 of t.rawBody under "
        + "the Stripe endpoint's secret")
@SecurityScheme(name = "webhook-signature", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        paramName = WebhookSignature.SIGNATURE_HEADER, description = "The provider's HMAC-SHA256 signature of the "
        + WebhookSignature.TIMESTAMP_HEADER + " header and the raw body, with the shared webhook secret")
class WebhookController {

    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final WebhookService service;
    private final PaymentProviders providers;

    WebhookController(WebhookService service, PaymentProviders providers) {
        this.service = service;
        this.providers = providers;
    }

    // No user token: the provider's HMAC signature over the timestamp and body authenticates it.
    @SecurityRequirement(name = "webhook-signature")
    @ApiResponse(responseCode = "401", description = "Missing, stale or wrong signature headers")
    @ApiResponse(responseCode = "413", description = "The body is over 64 KiB")
    @PostMapping("/api/payments/callback")
    Mono<WebhookService.Receipt> callback(ServerHttpRequest request) {
        String timestamp = request.getHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String signature = request.getHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
        return rawBody(request).flatMap(body -> service.receive(body, timestamp, signature, RequestOrigin.of(request)));
    }

    // No user token: each provider's own signature header authenticates it (Stripe-Signature, X-FEDAPAY-SIGNATURE).
    @SecurityRequirement(name = "fedapay-signature")
    @SecurityRequirement(name = "stripe-signature")
    @ApiResponse(responseCode = "401", description = "Missing, stale or wrong signature header")
    @ApiResponse(responseCode = "404", description = "No adapter of that name is enabled")
    @ApiResponse(responseCode = "413", description = "The body is over 64 KiB")
    @PostMapping("/api/webhooks/{provider}")
    Mono<WebhookService.Receipt> providerCallback(
            @PathVariable("provider") @Parameter(description = "the adapter whose provider sends this webhook",
                    schema = @Schema(type = "string", allowableValues = {"fedapay", "stripe"})) String provider,
            ServerHttpRequest request) {
        return Mono.justOrEmpty(providers.webhooks(provider))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No payment provider '" + provider + "' takes webhooks here")))
                .flatMap(adapter -> rawBody(request).flatMap(body -> service.receive(adapter, body, request.getHeaders(),
                        RequestOrigin.of(request))));
    }

    private static Mono<byte[]> rawBody(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), MAX_BODY_BYTES)
                .map(WebhookController::bytes)
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> new ApiProblem(HttpStatus.CONTENT_TOO_LARGE,
                        URI.create("https://problems.servelink.io/payload-too-large"), "Payload too large",
                        "A webhook body is at most " + MAX_BODY_BYTES + " bytes"));
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
