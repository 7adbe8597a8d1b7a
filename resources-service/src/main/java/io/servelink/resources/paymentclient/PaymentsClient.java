package io.servelink.resources.paymentclient;

import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import io.servelink.starter.client.PeerFailed;
import io.servelink.starter.client.PeerRejected;
import io.servelink.resources.ResourcesSettings;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one client of payment-service, the {@link PeerClient} {@code payments} (time limiter and circuit breaker
 * configured in application.yml). Starting a payment is a POST that creates something and it is sent once: no retry
 * here. Each call carries an {@code Idempotency-Key} all the same, so payment-service answers a caller's own retry
 * with the payment it already started.
 * <p>
 * Outcomes: the payment started; a 4xx problem of payment-service relayed to the caller as it came
 * ({@link PeerRejected}); anything else (5xx, timeout, connection refused, circuit open) a 503 problem with
 * {@code Retry-After}.
 */
@Component
public class PaymentsClient {

    private static final Logger log = LoggerFactory.getLogger(PaymentsClient.class);

    private final PeerClient payments;
    private final Duration retryAfter;

    PaymentsClient(ResourcesSettings settings, PeerClients peers) {
        this.payments = peers.peer("payments", settings.paymentUrl())
                .timeouts(settings.paymentConnectTimeout(), settings.paymentResponseTimeout())
                .build();
        this.retryAfter = settings.paymentRetryAfter();
    }

    /**
     * Starts a payment for the team.
     *
     * @param bearerToken    the caller's token (relayed), or the service token of the renewal job
     * @param idempotencyKey stable for the same intent, e.g. the reference
     */
    public Mono<PaymentStarted> initiate(String teamSlug, InitiatePayment request, String bearerToken, String idempotencyKey) {
        Mono<PaymentStarted> call = payments.web().post()
                .uri("/api/payments/{team_slug}/initiate", teamSlug)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearerToken)
                .header("Idempotency-Key", idempotencyKey)
                .bodyValue(request)
                .retrieve()
                .onStatus(HttpStatusCode::isError, payments::problem)
                .bodyToMono(PaymentStarted.class)
                .switchIfEmpty(Mono.error(() -> new PeerFailed("payments", "answered without a body")));
        return payments.once(call)
                .doOnError(PeerRejected.class, PaymentsClient::explain)
                .onErrorMap(e -> !(e instanceof PeerRejected), this::unavailable);
    }

    private static void explain(PeerRejected refusal) {
        if (refusal.getBody().getDetail() == null) {
            refusal.getBody().setDetail("The payment service refused the payment");
        }
    }

    private Throwable unavailable(Throwable cause) {
        log.warn("payment-service unavailable: {}", cause.toString());
        return payments.unavailable("The payment service is unavailable; no payment was started. Please retry later.",
                cause, retryAfter);
    }
}
