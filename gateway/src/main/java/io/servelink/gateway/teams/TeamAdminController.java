package io.servelink.gateway.teams;

import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.validation.Slug;
import io.servelink.gateway.audit.OperatorAuditLog;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.RequestOrigin;
import jakarta.validation.Valid;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Operator API of the teams the platform knows: their members, with the e-mail address, role and language that
 * support-service's notifications use. Changes go to the compacted teams topic, never straight into the registry;
 * reads answer from this replica's follower of the topic, so a change is readable once the topic has it. Every change
 * is audited; refused requests change nothing and are not.
 */
@RestController
@RequestMapping("/api/admin/teams")
class TeamAdminController {

    private final TeamGuard guard;
    private final TeamsRegistry registry;
    private final TeamsPublisher publisher;
    private final Clock clock;

    TeamAdminController(TeamGuard guard, TeamsRegistry registry, TeamsPublisher publisher, Clock clock) {
        this.guard = guard;
        this.registry = registry;
        this.publisher = publisher;
        this.clock = clock;
    }

    @GetMapping
    Mono<List<TeamView>> list() {
        return operator().then(Mono.fromSupplier(() -> registry.all().stream().map(TeamView::of).toList()));
    }

    @GetMapping("/{team_slug}")
    Mono<TeamView> get(@PathVariable("team_slug") @Slug String teamSlug) {
        return operator().then(Mono.fromSupplier(() -> known(teamSlug))).map(TeamView::of);
    }

    @PutMapping("/{team_slug}")
    Mono<TeamView> put(@PathVariable("team_slug") @Slug String teamSlug, @Valid @RequestBody Mono<TeamRequest> body,
                       ServerHttpRequest http) {
        // the body is read (and validated) after the role check, so a caller without the role learns nothing from it
        return operator().flatMap(operator -> body.flatMap(request -> {
                    Optional<TeamChanged> before = registry.bySlug(teamSlug);
                    TeamChanged team = request.toTeam(teamSlug, nextVersion(before));
                    return audited(putEntry(operator, team, before, RequestOrigin.of(http)), publisher.publish(team));
                }))
                .map(TeamView::of);
    }

    @DeleteMapping("/{team_slug}")
    Mono<ResponseEntity<Void>> delete(@PathVariable("team_slug") @Slug String teamSlug, ServerHttpRequest http) {
        return operator()
                .flatMap(operator -> {
                    TeamChanged team = known(teamSlug);
                    AuditEntry entry = new AuditEntry(operator.subject(), TeamAudit.DELETED, teamSlug, teamSlug,
                            RequestOrigin.of(http), TeamAudit.describe(team));
                    return audited(entry, publisher.remove(teamSlug).thenReturn(team));
                })
                .thenReturn(ResponseEntity.noContent().build());
    }

    /**
     * Above the version this replica knows and at least the current time in milliseconds: versions increase across
     * operators and replicas as long as changes to one team are not made within the same millisecond on two replicas.
     */
    private long nextVersion(Optional<TeamChanged> before) {
        long known = before.map(TeamChanged::version).orElse(0L);
        return Math.max(clock.millis(), known + 1);
    }

    private static AuditEntry putEntry(ServelinkClaims operator, TeamChanged team, Optional<TeamChanged> before,
                                       RequestOrigin origin) {
        Map<String, Object> details = new LinkedHashMap<>(TeamAudit.describe(team));
        before.ifPresent(previous -> details.put("before", TeamAudit.describe(previous)));
        return new AuditEntry(operator.subject(), before.isPresent() ? TeamAudit.CHANGED : TeamAudit.CREATED,
                team.teamSlug(), team.teamSlug(), origin, details);
    }

    /** The change, audited once the broker acknowledged it, or as unconfirmed when the broker did not answer in time. */
    private static Mono<TeamChanged> audited(AuditEntry entry, Mono<TeamChanged> change) {
        return change
                .doOnNext(done -> OperatorAuditLog.record(entry, OperatorAuditLog.APPLIED))
                .doOnError(ApiProblem.class, e -> {
                    if (e.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
                        OperatorAuditLog.record(entry, OperatorAuditLog.UNCONFIRMED);
                    }
                });
    }

    private Mono<ServelinkClaims> operator() {
        return guard.platform(PlatformRole.OPERATOR);
    }

    private TeamChanged known(String teamSlug) {
        return registry.bySlug(teamSlug).orElseThrow(() -> ApiProblem.notFound("No team " + teamSlug));
    }
}
