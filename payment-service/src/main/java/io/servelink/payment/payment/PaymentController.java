package io.servelink.payment.payment;

import io.servelink.starter.openapi.ConflictResponse;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The team-facing payment API. Every endpoint checks the caller's role in the payment's team. */
@RestController
class PaymentController {

    private final PaymentService service;
    private final TeamGuard guard;

    PaymentController(PaymentService service, TeamGuard guard) {
        this.service = service;
        this.guard = guard;
    }

    /** The answer to initiate: what the payer does next. */
    record InitiatedPayment(String paymentId, String status, long amountMinor, String currency, String description,
                            io.servelink.payment.provider.NextAction nextAction, Instant createdAt) {
        static InitiatedPayment of(Payment p) {
            return new InitiatedPayment(p.id().toString(), p.status().wire(), p.amountMinor(), p.currency(), p.description(),
                    p.status().isOpen() ? p.nextAction() : null, p.createdAt());
        }
    }

    /** The scope of resources-service's service token: it may start renewal payments, nothing else. */
    static final String RENEW_SCOPE = "SCOPE_payments:renew";

    @ConflictResponse("The Idempotency-Key was already used for another purchase")
    @PostMapping("/api/payments/{team_slug}/initiate")
    Mono<ResponseEntity<InitiatedPayment>> initiate(@PathVariable("team_slug") @Slug String team,
                                                    @Valid @RequestBody Mono<InitiatePaymentRequest> body,
                                                    @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
                                                    @RequestHeader(name = "Idempotency-Key", required = false) @Parameter(schema = @Schema(type = "string", minLength = 1, maxLength = 200)) String clientKey,
                                                    ServerHttpRequest http) {
        return authorized(team, body)
                .flatMap(call -> service.initiate(team, call.request(), call.initiator(), authorization, clientKey, RequestOrigin.of(http)))
                .map(started -> ResponseEntity.status(started.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
                        .body(InitiatedPayment.of(started.payment())));
    }

    /** A request whose caller may make it: the body is read (and validated) only once the caller may act. */
    private record Authorized(InitiatePaymentRequest request, PaymentService.Initiator initiator) {
    }

    /**
     * An owner or admin of the team; for a renewal also a service token with scope {@code payments:renew} (the
     * renewal job of resources-service, which has no team role). Such a token may start nothing but renewals, so its
     * body is read to learn the purpose.
     */
    private Mono<Authorized> authorized(String team, Mono<InitiatePaymentRequest> body) {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(auth -> auth.getAuthorities().stream().anyMatch(a -> RENEW_SCOPE.equals(a.getAuthority())))
                .flatMap(renewer -> asRenewer(team, body))
                .switchIfEmpty(Mono.defer(() -> asBillingManager(team, body)));
    }

    private Mono<Authorized> asRenewer(String team, Mono<InitiatePaymentRequest> body) {
        return guard.caller().flatMap(renewer -> body.flatMap(request -> "renewal".equals(request.purpose())
                ? Mono.just(new Authorized(request, new PaymentService.Initiator(renewer, true)))
                : asBillingManager(team, Mono.just(request))));
    }

    private Mono<Authorized> asBillingManager(String team, Mono<InitiatePaymentRequest> body) {
        return guard.billingManager(team)
                .flatMap(manager -> body.map(request -> new Authorized(request, new PaymentService.Initiator(manager, false))));
    }

    @GetMapping("/api/payments/{team_slug}/history")
    Mono<PaymentPage> history(@PathVariable("team_slug") @Slug String team,
                              @RequestParam(name = "status", required = false) @Parameter(schema = @Schema(type = "string", allowableValues = {"pending", "processing", "completed", "failed", "cancelled"})) String status,
                              @RequestParam(name = "page", defaultValue = "0") @Min(0) @Max(100_000) int page,
                              @RequestParam(name = "size", defaultValue = "20") @Min(1) @Max(100) int size) {
        PaymentStatus filter = status == null || status.isBlank() ? null : PaymentStatus.fromWire(status)
                .orElseThrow(() -> ApiProblem.invalid("status", "must be one of pending, processing, completed, failed, cancelled"));
        return guard.member(team).then(service.history(team, filter, page, size));
    }

    @GetMapping("/api/payments/{payment_id}/status")
    Mono<PaymentView> status(@PathVariable("payment_id") @Parameter(schema = @Schema(type = "string", format = "uuid")) String paymentId) {
        return guard.caller().flatMap(caller -> service.visibleTo(paymentId, caller)).map(PaymentView::of);
    }

    @ConflictResponse("The payment is already completed or failed (its status is in the body)")
    @PostMapping("/api/payments/{payment_id}/cancel")
    Mono<PaymentView> cancel(@PathVariable("payment_id") @Parameter(schema = @Schema(type = "string", format = "uuid")) String paymentId, ServerHttpRequest http) {
        return guard.caller()
                .flatMap(caller -> service.visibleTo(paymentId, caller))
                .flatMap(payment -> cancelAsBillingManager(payment, RequestOrigin.of(http)))
                .map(PaymentView::of);
    }

    /** Members see the payment (so 403, not 404), but only an owner or admin may cancel it. */
    private Mono<Payment> cancelAsBillingManager(Payment payment, RequestOrigin origin) {
        return guard.billingManager(payment.teamSlug()).flatMap(manager -> service.cancel(payment, manager, origin));
    }
}
