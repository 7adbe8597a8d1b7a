package io.servelink.payment.payment;

import io.servelink.starter.openapi.ConflictResponse;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Operators' view of payments that need a person, and their refund. {@code operator} role only. */
@RestController
class PaymentReviewController {

    private final PaymentReview review;
    private final TeamGuard guard;

    PaymentReviewController(PaymentReview review, TeamGuard guard) {
        this.review = review;
        this.guard = guard;
    }

    @GetMapping("/api/payments/admin/review")
    Mono<List<PaymentReview.ReviewedPayment>> underReview(
            @RequestParam(name = "limit", defaultValue = "100") @Min(1) @Max(500) int limit) {
        return guard.platform(PlatformRole.OPERATOR).then(review.underReview(limit).collectList());
    }

    @ConflictResponse("The payment is not under review, the provider never reported it completed, or a refund was already asked for")
    @PostMapping("/api/payments/admin/review/{payment_id}/refund")
    Mono<PaymentReview.ReviewedPayment> refund(@PathVariable("payment_id") @Parameter(schema = @Schema(type = "string", format = "uuid")) String paymentId, ServerHttpRequest http) {
        return guard.platform(PlatformRole.OPERATOR)
                .flatMap(operator -> review.refund(paymentId, operator, RequestOrigin.of(http)));
    }
}
