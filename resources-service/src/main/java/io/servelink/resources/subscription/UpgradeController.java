package io.servelink.resources.subscription;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.contracts.validation.Slug;
import io.servelink.resources.paymentclient.InitiatePayment;
import io.servelink.resources.paymentclient.PaymentStarted;
import io.servelink.resources.paymentclient.PaymentsClient;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Starts the Pro payment (purpose {@code plan_upgrade}, reference {@code plan:pro}) for the team; the frontend may
 * equally call payment-service's initiate itself. The team becomes Pro (or a Pro team gets one period more) when
 * the payment completes, through the payments consumer; nothing is stored here.
 */
@RestController
class UpgradeController {

    static final String PRO_REFERENCE = "plan:pro";

    private final TeamGuard guard;
    private final PaymentsClient payments;

    UpgradeController(TeamGuard guard, PaymentsClient payments) {
        this.guard = guard;
        this.payments = payments;
    }

    record UpgradeRequest(
            @NotBlank @Pattern(regexp = "mobile_money|credit_card", message = "must be mobile_money or credit_card") String paymentMethod,
            @Size(max = 30) @Pattern(regexp = "\\+?[0-9 ]{6,20}", message = "must be a phone number") String phone) {
    }

    /** Owner or admin. Answers 202 with the payment and the payer's next action. */
    @PostMapping("/api/resources/{team_slug}/upgrade")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<PaymentStarted> upgrade(@PathVariable("team_slug") @Slug String teamSlug, @Valid @RequestBody Mono<UpgradeRequest> body,
                                 @AuthenticationPrincipal Jwt token) {
        // the body is read (and validated) only once the caller may pay for the team
        return guard.billingManager(teamSlug).then(body)
                .filter(request -> !"mobile_money".equals(request.paymentMethod()) || request.phone() != null && !request.phone().isBlank())
                .switchIfEmpty(Mono.error(() -> ApiProblem.invalid("phone", "is required for mobile_money")))
                .flatMap(request -> payments.initiate(teamSlug, new InitiatePayment("plan_upgrade", PRO_REFERENCE, request.paymentMethod(),
                        request.phone()), token.getTokenValue(), "plan_upgrade:" + UUID.randomUUID()));
    }
}
