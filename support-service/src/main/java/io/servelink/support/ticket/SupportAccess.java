package io.servelink.support.ticket;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who may touch a team's tickets: its members (as customers) and support agents (any team). A caller who is both
 * acts as an agent.
 */
@Component
public class SupportAccess {

    /** The caller of a ticket endpoint; agents see internal notes. */
    public record Caller(ServelinkClaims claims, boolean agent) {

        public String subject() {
            return claims.subject();
        }
    }

    private final TeamGuard guard;

    SupportAccess(TeamGuard guard) {
        this.guard = guard;
    }

    public Mono<Caller> onTeam(String teamSlug) {
        return guard.caller().flatMap(claims -> {
            if (claims.has(PlatformRole.SUPPORT_AGENT)) {
                return Mono.just(new Caller(claims, true));
            }
            if (claims.isMemberOf(teamSlug)) {
                return Mono.just(new Caller(claims, false));
            }
            return Mono.error(ApiProblem.forbidden("You are not a member of team '" + teamSlug + "'"));
        });
    }

    public Mono<Caller> agent() {
        return guard.platform(PlatformRole.SUPPORT_AGENT).map(claims -> new Caller(claims, true));
    }

    public Mono<ServelinkClaims> member(String teamSlug) {
        return guard.member(teamSlug);
    }
}
