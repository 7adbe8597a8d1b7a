package io.servelink.starter;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * Authorization per team, from the verified token of the current request: reading needs membership,
 * paying or buying needs owner or admin, platform actions need a platform role.
 */
public class TeamGuard {

    public Mono<ServelinkClaims> caller() {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> ServelinkClaims.fromClaims(((JwtAuthenticationToken) auth).getToken().getClaims()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("A user token is required")));
    }

    /** Any member of the team. */
    public Mono<ServelinkClaims> member(String teamSlug) {
        return caller().filter(claims -> claims.isMemberOf(teamSlug))
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("You are not a member of team '" + teamSlug + "'")));
    }

    /** An owner or admin of the team. */
    public Mono<ServelinkClaims> billingManager(String teamSlug) {
        return member(teamSlug).filter(claims -> claims.canManageBillingOf(teamSlug))
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden(
                        "Only an owner or admin of team '" + teamSlug + "' may do this")));
    }

    public Mono<ServelinkClaims> platform(PlatformRole role) {
        return caller().filter(claims -> claims.has(role))
                .switchIfEmpty(Mono.error(() -> ApiProblem.forbidden("This needs the '" + role.wire() + "' role")));
    }
}
