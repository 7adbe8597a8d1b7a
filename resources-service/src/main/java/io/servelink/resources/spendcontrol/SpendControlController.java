package io.servelink.resources.spendcontrol;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.contracts.validation.Slug;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.openapi.ConflictResponse;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The owner's spend control: on a plan whose traffic policy is soft (Pro), a hard cap at which the team's projects
 * stop being served, in percent of the month's traffic limit.
 */
@RestController
class SpendControlController {

    private final TeamGuard guard;
    private final SpendControlService service;

    SpendControlController(TeamGuard guard, SpendControlService service) {
        this.guard = guard;
        this.service = service;
    }

    @GetMapping("/api/resources/{team_slug}/spend-control")
    @Operation(summary = "The team's traffic policy, the owner's hard cap and the percent at which traffic stops (any member)")
    Mono<SpendControl> get(@PathVariable("team_slug") @Slug String teamSlug) {
        return guard.member(teamSlug).then(service.current(teamSlug));
    }

    @PutMapping("/api/resources/{team_slug}/spend-control")
    @Operation(summary = "Sets or removes the traffic hard cap, 100..1000 % of the limit (the team's owner only)")
    @ConflictResponse("The team's plan stops at 100 % of its traffic and takes no hard cap (Free)")
    Mono<SpendControl> put(@PathVariable("team_slug") @Slug String teamSlug, @RequestBody Mono<SpendControlRequest> body,
                           ServerHttpRequest http) {
        // the body is read (and checked) only once the caller is known to be the owner
        return owner(teamSlug).flatMap(owner -> body
                .map(SpendControlController::hardCap)
                .flatMap(percent -> service.setTrafficHardCap(teamSlug, percent.value(), owner.subject(), RequestOrigin.of(http))));
    }

    /** Spend control is the owner's alone: admins manage billing, not how far the owner's bill may run. */
    private Mono<ServelinkClaims> owner(String teamSlug) {
        return guard.member(teamSlug)
                .filter(claims -> claims.roleIn(teamSlug).filter(TeamRole.OWNER::equals).isPresent())
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("Only the owner of team '" + teamSlug + "' may change its spend control")));
    }

    /** The checked value; null (no cap) when the field is null or absent. */
    private record HardCap(Integer value) {
    }

    private static HardCap hardCap(SpendControlRequest request) {
        Object value = request.trafficHardCapPercent();
        if (value == null) {
            return new HardCap(null);
        }
        if (value instanceof Integer percent && percent >= SpendControlRequest.MIN_PERCENT && percent <= SpendControlRequest.MAX_PERCENT) {
            return new HardCap(percent);
        }
        throw ApiProblem.invalid("traffic_hard_cap_percent", "must be a whole percent from " + SpendControlRequest.MIN_PERCENT
                + " to " + SpendControlRequest.MAX_PERCENT + ", or null for no cap");
    }
}
