package io.servelink.resources.limits;

import io.servelink.starter.TeamGuard;
import io.servelink.contracts.validation.Slug;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class LimitsController {

    private final TeamGuard guard;
    private final Entitlements entitlements;

    LimitsController(TeamGuard guard, Entitlements entitlements) {
        this.guard = guard;
        this.entitlements = entitlements;
    }

    /** The team's plan plus its active add-ons, itemised, with totals. Any member. */
    @GetMapping("/api/resources/{team_slug}/limits")
    Mono<TeamLimits> limits(@PathVariable("team_slug") @Slug String teamSlug) {
        return guard.member(teamSlug).then(entitlements.current(teamSlug));
    }
}
