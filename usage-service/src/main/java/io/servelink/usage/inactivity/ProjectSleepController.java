package io.servelink.usage.inactivity;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.servelink.contracts.events.activity.ProjectWoken.WokenBy;
import io.servelink.contracts.validation.Slug;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/usage/{team_slug}/projects/{project_id}")
@Tag(name = "Sleeping projects", description = "Free projects without traffic for days sleep; a visitor or the owner wakes them")
class ProjectSleepController {

    private final ProjectSleeps sleeps;
    private final TransactionalOperator transactions;
    private final TeamGuard guard;
    private final Clock clock;

    ProjectSleepController(ProjectSleeps sleeps, TransactionalOperator transactions, TeamGuard guard, Clock clock) {
        this.sleeps = sleeps;
        this.transactions = transactions;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * Whether a project sleeps. {@code since}: when it fell asleep, or when it was last woken, or (never slept) when
     * usage-service first saw it.
     *
     * @param inactiveSince         while asleep: the last traffic, wake or registration its sleep counted from
     * @param wokenBy               how it was last woken (absent while asleep or when it never slept)
     * @param scaleDownRequestedAt  while asleep: when the deployer was asked to scale it down, if it was
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProjectSleepView(String projectId, String teamSlug, boolean sleeping, Instant since, Instant inactiveSince,
                            @Schema(allowableValues = {"visitor", "owner", "plan"}) WokenBy wokenBy, Instant scaleDownRequestedAt) {
    }

    @GetMapping("/sleep")
    @Operation(summary = "Whether the project sleeps, since when, and how it was last woken (any team member; another team's project is 404)")
    Mono<ProjectSleepView> state(@PathVariable("team_slug") @Slug String teamSlug, @PathVariable("project_id") @Slug String projectId) {
        return guard.member(teamSlug).then(view(teamSlug, projectId));
    }

    @PostMapping("/wake")
    @Operation(summary = "Wakes a sleeping project now (owner or admin). Idempotent: a project that is awake is answered as it is, "
            + "200 either way; another team's project is 404")
    Mono<ProjectSleepView> wake(@PathVariable("team_slug") @Slug String teamSlug, @PathVariable("project_id") @Slug String projectId,
                                ServerHttpRequest http) {
        return guard.billingManager(teamSlug)
                .flatMap(owner -> view(teamSlug, projectId)
                        .filter(ProjectSleepView::sleeping)
                        .flatMap(sleeping -> sleeps.wake(projectId, new ProjectSleeps.Waker(WokenBy.OWNER, owner.subject(),
                                RequestOrigin.of(http), Map.of()), clock.instant()).as(transactions::transactional))
                        .then(view(teamSlug, projectId)));
    }

    private Mono<ProjectSleepView> view(String teamSlug, String projectId) {
        return sleeps.viewOf(teamSlug, projectId)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Team '" + teamSlug + "' has no project '" + projectId + "'")));
    }
}
