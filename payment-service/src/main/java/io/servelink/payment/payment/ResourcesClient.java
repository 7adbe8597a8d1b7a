package io.servelink.payment.payment;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import io.servelink.starter.client.PeerRejected;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one client of resources-service: it quotes the price of what a team buys, so that no amount ever comes
 * from a client. The caller's token is relayed (resources checks the team itself). A {@link PeerClient} named
 * {@code resources}: the quote is a GET, so it is retried. Its refusals become the caller's 4xx naming
 * {@code reference}; its absence becomes a 503 with {@code Retry-After}.
 */
@Component
class ResourcesClient {

    private final PeerClient resources;
    private final PaymentSettings settings;

    ResourcesClient(PaymentSettings settings, PeerClients peers) {
        this.settings = settings;
        this.resources = peers.peer("resources", settings.resourcesUrl())
                .timeouts(settings.resourcesConnectTimeout(), settings.resourcesResponseTimeout())
                .build();
    }

    Mono<Quote> quote(String teamSlug, String purpose, String reference, String authorization) {
        Mono<Quote> call = resources.web().get()
                .uri(uri -> uri.path("/api/resources/{team}/quote")
                        .queryParam("purpose", "{purpose}").queryParam("reference", "{reference}")
                        .build(teamSlug, purpose, reference))
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .retrieve()
                .onStatus(HttpStatusCode::isError, resources::problem)
                .bodyToMono(Quote.class);
        return resources.idempotent(call)
                .onErrorMap(PeerRejected.class, refusal -> refusal(refusal, reference))
                .onErrorMap(e -> !(e instanceof ApiProblem), e -> resources.unavailable(
                        "The catalog (resources-service) is unavailable; try again later", e, settings.retryAfter()))
                .filter(Quote::isUsable)
                .switchIfEmpty(Mono.error(() -> ApiProblem.unavailable(
                        "The catalog answered an unusable price; try again later", settings.retryAfter())));
    }

    private static ApiProblem refusal(PeerRejected refusal, String reference) {
        String why = refusal.detailOr("is not available for this team");
        return switch (refusal.getStatusCode().value()) {
            case 404 -> ApiProblem.notFound("reference: '" + reference + "' is not in the catalog (" + why + ")");
            case 403 -> ApiProblem.forbidden(why);
            case 409 -> ApiProblem.conflict("reference: " + why);
            default -> ApiProblem.invalid("reference", why);
        };
    }
}
