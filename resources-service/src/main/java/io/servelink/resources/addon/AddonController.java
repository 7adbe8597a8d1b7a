package io.servelink.resources.addon;

import io.servelink.starter.openapi.ConflictResponse;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class AddonController {

    private final TeamGuard guard;
    private final AddonService service;

    AddonController(TeamGuard guard, AddonService service) {
        this.guard = guard;
        this.service = service;
    }

    /** The catalog and whether this team may buy add-ons. Any member. */
    @GetMapping("/api/resources/{team_slug}/available")
    Mono<Available> available(@PathVariable("team_slug") @Slug String teamSlug) {
        return guard.member(teamSlug).then(service.available(teamSlug));
    }

    /** Creates a pending add-on and starts its payment; answers the payer's next action. Owner or admin of a Pro team. */
    @PostMapping("/api/resources/{team_slug}/purchase")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<PurchaseResponse> purchase(@PathVariable("team_slug") @Slug String teamSlug, @Valid @RequestBody Mono<PurchaseRequest> body,
                                    @AuthenticationPrincipal Jwt token, ServerHttpRequest http) {
        // the body is read (and validated) only once the caller may buy for the team
        return guard.billingManager(teamSlug).flatMap(manager -> body.flatMap(request -> service.purchase(teamSlug, request,
                token.getTokenValue(), new AddonService.Actor(manager.subject(), RequestOrigin.of(http)))));
    }

    /** The team's add-ons in every state, newest first. Any member. */
    @GetMapping("/api/resources/{team_slug}/list")
    Mono<List<AddonView>> list(@PathVariable("team_slug") @Slug String teamSlug) {
        return guard.member(teamSlug).then(service.list(teamSlug));
    }

    /** Stops renewal; an active add-on stays active until it expires. Owner or admin. */
    @ConflictResponse("The add-on failed or expired and cannot be cancelled")
    @DeleteMapping("/api/resources/{team_slug}/cancel/{resource_id}")
    Mono<AddonView> cancel(@PathVariable("team_slug") @Slug String teamSlug, @PathVariable("resource_id") @Parameter(schema = @Schema(type = "string", format = "uuid")) String resourceId,
                           ServerHttpRequest http) {
        return guard.billingManager(teamSlug).flatMap(manager -> service.cancel(teamSlug, addonId(resourceId),
                new AddonService.Actor(manager.subject(), RequestOrigin.of(http))));
    }

    /** A malformed id cannot name any add-on: 404 like another team's id, nothing to validate further. */
    private static UUID addonId(String resourceId) {
        try {
            return UUID.fromString(resourceId);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("No add-on " + resourceId);
        }
    }
}
