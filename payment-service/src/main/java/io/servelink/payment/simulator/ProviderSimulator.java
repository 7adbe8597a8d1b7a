package io.servelink.payment.simulator;

import io.servelink.payment.provider.CreateProviderPayment;
import io.servelink.payment.provider.NextAction;
import io.servelink.payment.provider.ProviderPayment;
import io.servelink.payment.provider.ProviderRefund;
import io.servelink.payment.provider.ProviderSettings;
import io.servelink.payment.webhook.WebhookSignature;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * A simulated payment provider for the local stack (profile {@code local} only), implementing
 * docs/PAYMENT_BACKEND_SPEC.md in memory. Mobile Money completes {@code servelink.payment.simulator.completion-delay}
 * after creation (a phone ending in {@code 0000} fails instead); a card payment shows a checkout page whose
 * confirm button completes it and returns the browser to {@code return_url}. Every change is announced by a
 * signed webhook, retried with backoff until the callback answers 2xx.
 */
@Profile("local")
@RestController
@RequestMapping("/simulator/provider")
class ProviderSimulator {

    private static final Logger log = LoggerFactory.getLogger(ProviderSimulator.class);

    private final Map<String, Simulated> payments = new ConcurrentHashMap<>();
    private final Map<String, String> idsByKey = new ConcurrentHashMap<>();
    private final Map<String, ProviderRefund> refundsByKey = new ConcurrentHashMap<>();
    private final ProviderSettings settings;
    private final WebhookSignature signer;
    private final JsonMapper json;
    private final Duration completionDelay;
    private final Clock clock;
    private final WebClient web;

    ProviderSimulator(ProviderSettings settings, SimulatorSettings simulator, JsonMapper json, Clock clock,
                      WebClient.Builder web) {
        this.settings = settings;
        this.web = web.build();
        this.signer = new WebhookSignature(settings.webhookSecret(), settings.webhookTolerance());
        this.json = json;
        this.completionDelay = simulator.completionDelay();
        this.clock = clock;
    }

    private record Simulated(ProviderPayment payment, String callbackUrl, String returnUrl) {
        Simulated with(String status, String failureReason) {
            ProviderPayment p = payment;
            return new Simulated(new ProviderPayment(p.id(), status, p.amountMinor(), p.currency(), p.method(),
                    "pending".equals(status) ? p.nextAction() : null, failureReason, p.metadata()), callbackUrl, returnUrl);
        }
    }

    @PostMapping("/v1/payments")
    ResponseEntity<?> create(@RequestHeader(name = SimulatorApiKeyFilter.API_KEY_HEADER, required = false) String authorization,
                             @RequestHeader(name = "Idempotency-Key", required = false) String key,
                             @RequestBody CreateProviderPayment body, ServerHttpRequest request) {
        if (!authorized(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        String invalid = invalidField(key, body);
        if (invalid != null) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid_request", "field", invalid, "message", "is invalid"));
        }
        String existing = idsByKey.get(key);
        if (existing != null) {
            return ResponseEntity.ok(payments.get(existing).payment());
        }
        String id = "sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (idsByKey.putIfAbsent(key, id) != null) {
            return ResponseEntity.ok(payments.get(idsByKey.get(key)).payment());
        }
        boolean card = "credit_card".equals(body.method());
        NextAction next = card
                ? new NextAction("redirect", UriComponentsBuilder.fromUri(request.getURI())
                        .replacePath("/simulator/provider/checkout/" + id).replaceQuery(null).build().toUriString(), null)
                : new NextAction("push", null, "Confirm the payment of " + amount(body.amountMinor(), body.currency())
                        + " on " + body.payerPhone());
        Simulated simulated = new Simulated(new ProviderPayment(id, "pending", body.amountMinor(), body.currency(), body.method(),
                next, null, body.metadata()), body.callbackUrl(), body.returnUrl());
        payments.put(id, simulated);
        if (!card) {
            boolean declines = body.payerPhone().endsWith("0000");
            Mono.delay(completionDelay).subscribe(tick -> settle(id, declines ? "failed" : "completed",
                    declines ? "payer_declined" : null));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(simulated.payment());
    }

    @GetMapping("/v1/payments/{id}")
    ResponseEntity<?> get(@RequestHeader(name = SimulatorApiKeyFilter.API_KEY_HEADER, required = false) String authorization,
                          @PathVariable("id") String id) {
        if (!authorized(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        Simulated simulated = payments.get(id);
        return simulated == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(simulated.payment());
    }

    @GetMapping("/v1/payments/by-idempotency-key/{key}")
    ResponseEntity<?> byKey(@RequestHeader(name = SimulatorApiKeyFilter.API_KEY_HEADER, required = false) String authorization,
                            @PathVariable("key") String key) {
        if (!authorized(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        String id = idsByKey.get(key);
        return id == null ? ResponseEntity.notFound().build() : get(authorization, id);
    }

    record RefundBody(Long amountMinor, String currency, String reason) {
    }

    /** Refunds a completed payment in full, at once; the same Idempotency-Key answers the same refund. */
    @PostMapping("/v1/payments/{id}/refund")
    ResponseEntity<?> refund(@RequestHeader(name = SimulatorApiKeyFilter.API_KEY_HEADER, required = false) String authorization,
                             @RequestHeader(name = "Idempotency-Key", required = false) String key,
                             @PathVariable("id") String id, @RequestBody RefundBody body) {
        if (!authorized(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        if (key == null || key.isBlank() || key.length() > 100) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid_request", "field", "idempotency_key", "message", "is required"));
        }
        Simulated current = payments.get(id);
        if (current == null) {
            return ResponseEntity.notFound().build();
        }
        ProviderPayment paid = current.payment();
        if (body.amountMinor() == null || body.amountMinor() <= 0 || body.amountMinor() > paid.amountMinor()) {
            return ResponseEntity.badRequest().body(Map.of("error", "invalid_request", "field", "amount_minor", "message", "is invalid"));
        }
        if (!"completed".equals(paid.status())) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "not_refundable", "payment", paid));
        }
        ProviderRefund existing = refundsByKey.get(key);
        if (existing != null) {
            return ResponseEntity.ok(existing);
        }
        ProviderRefund refund = new ProviderRefund("re_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), id,
                "succeeded", body.amountMinor(), paid.currency(), null);
        ProviderRefund first = refundsByKey.putIfAbsent(key, refund);
        return first != null ? ResponseEntity.ok(first) : ResponseEntity.status(HttpStatus.CREATED).body(refund);
    }

    @PostMapping("/v1/payments/{id}/cancel")
    ResponseEntity<?> cancel(@RequestHeader(name = SimulatorApiKeyFilter.API_KEY_HEADER, required = false) String authorization,
                             @PathVariable("id") String id) {
        if (!authorized(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        Simulated current = payments.get(id);
        if (current == null) {
            return ResponseEntity.notFound().build();
        }
        String status = current.payment().status();
        if ("completed".equals(status) || "failed".equals(status)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "not_cancellable", "payment", current.payment()));
        }
        if (!"cancelled".equals(status)) {
            settle(id, "cancelled", null);
        }
        return ResponseEntity.ok(payments.get(id).payment());
    }

    @GetMapping(value = "/checkout/{id}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> checkout(@PathVariable("id") String id) {
        Simulated simulated = payments.get(id);
        if (simulated == null) {
            return ResponseEntity.notFound().build();
        }
        ProviderPayment p = simulated.payment();
        String html = """
                <!doctype html><html><head><title>Simulated card checkout</title></head><body>
                <h1>Simulated card checkout</h1>
                <p>Pay %s - %s</p>
                <form method="post" action="/simulator/provider/checkout/%s/confirm"><button type="submit">Pay</button></form>
                </body></html>""".formatted(HtmlUtils.htmlEscape(amount(p.amountMinor(), p.currency())),
                HtmlUtils.htmlEscape(p.status()), HtmlUtils.htmlEscape(id));
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(html);
    }

    @PostMapping("/checkout/{id}/confirm")
    ResponseEntity<Void> confirm(@PathVariable("id") String id) {
        Simulated simulated = payments.get(id);
        if (simulated == null) {
            return ResponseEntity.notFound().build();
        }
        if ("pending".equals(simulated.payment().status())) {
            settle(id, "completed", null);
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(simulated.returnUrl())).build();
    }

    private void settle(String id, String status, String failureReason) {
        Simulated updated = payments.computeIfPresent(id, (key, current) ->
                "pending".equals(current.payment().status()) || "processing".equals(current.payment().status())
                        ? current.with(status, failureReason) : current);
        if (updated != null && status.equals(updated.payment().status())) {
            sendWebhook(updated);
        }
    }

    private void sendWebhook(Simulated simulated) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", "evt_" + UUID.randomUUID());
        event.put("type", "payment.status_changed");
        event.put("occurred_at", clock.instant().toString());
        event.put("payment", simulated.payment());
        byte[] body = json.writeValueAsBytes(event);
        Mono.defer(() -> {
                    long timestamp = clock.instant().getEpochSecond();
                    return web.post().uri(simulated.callbackUrl())
                            .contentType(MediaType.APPLICATION_JSON)
                            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                            .header(WebhookSignature.SIGNATURE_HEADER, signer.sign(timestamp, body))
                            .bodyValue(body)
                            .retrieve().toBodilessEntity();
                })
                .retryWhen(Retry.backoff(10, Duration.ofSeconds(1)).maxBackoff(Duration.ofMinutes(1)))
                .subscribe(ok -> log.info("Simulator: webhook {} delivered for {}", event.get("event_id"), simulated.payment().id()),
                        e -> log.warn("Simulator: webhook for {} given up: {}", simulated.payment().id(), e.toString()));
    }

    /** {@code 900 EUR} as the payer reads it: {@code 9.00 EUR} (the currency's own number of decimals). */
    private static String amount(long amountMinor, String currency) {
        int digits;
        try {
            digits = Math.max(0, java.util.Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        return java.math.BigDecimal.valueOf(amountMinor, digits).toPlainString() + " " + currency;
    }

    private boolean authorized(String authorization) {
        return Objects.equals(authorization, "Bearer " + settings.apiKey());
    }

    private static String invalidField(String key, CreateProviderPayment body) {
        if (key == null || key.isBlank() || key.length() > 100) {
            return "idempotency_key";
        }
        if (body.amountMinor() <= 0) {
            return "amount_minor";
        }
        if (body.currency() == null || !body.currency().matches("[A-Z]{3}")) {
            return "currency";
        }
        if (!"mobile_money".equals(body.method()) && !"credit_card".equals(body.method())) {
            return "method";
        }
        if ("mobile_money".equals(body.method()) && (body.payerPhone() == null || !body.payerPhone().matches("\\+[1-9][0-9]{7,14}"))) {
            return "payer_phone";
        }
        if (body.callbackUrl() == null || body.returnUrl() == null) {
            return body.callbackUrl() == null ? "callback_url" : "return_url";
        }
        return null;
    }
}
