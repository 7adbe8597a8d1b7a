package io.servelink.usage.api;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.contracts.validation.Slug;
import io.swagger.v3.oas.annotations.media.Schema;
import io.servelink.usage.api.UsageResponses.Limits;
import io.servelink.usage.api.UsageResponses.Percent;
import io.servelink.usage.api.UsageResponses.ProjectUsage;
import io.servelink.usage.api.UsageResponses.ProjectUsageDetail;
import io.servelink.usage.api.UsageResponses.StorageMonth;
import io.servelink.usage.api.UsageResponses.TeamUsage;
import io.servelink.usage.api.UsageResponses.TrafficState;
import io.servelink.usage.limits.TeamLimits;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/usage/{team_slug}")
@Tag(name = "Usage", description = "Traffic and storage per team and project, per UTC calendar month")
class UsageController {

    private final UsageQueries queries;
    private final TeamGuard guard;
    private final Clock clock;
    UsageController(UsageQueries queries, TeamGuard guard, Clock clock) {
        this.queries = queries;
        this.guard = guard;
        this.clock = clock;
    }

    @GetMapping
    @Operation(summary = "A team's usage in a month: totals and each project (any team member)")
    Mono<TeamUsage> teamUsage(@PathVariable("team_slug") @Slug String teamSlug,
                              @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM, default the current UTC month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month) {
        YearMonth period = parseMonth(month);
        return guard.member(teamSlug)
                .then(queries.teamMonth(teamSlug, period))
                .map(found -> teamTotals(teamSlug, period, found));
    }

    @GetMapping("/projects/{project_id}")
    @Operation(summary = "One project's usage in a month with its daily traffic (any team member; another team's project is 404)")
    Mono<ProjectUsageDetail> projectUsage(@PathVariable("team_slug") @Slug String teamSlug, @PathVariable("project_id") @Slug String projectId,
                                          @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM, default the current UTC month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month) {
        YearMonth period = parseMonth(month);
        return guard.member(teamSlug)
                .then(queries.projectOfTeam(teamSlug, projectId, period))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Team '" + teamSlug + "' has no project '" + projectId + "'")))
                .flatMap(usage -> queries.daily(projectId, period).collectList()
                        .map(daily -> new ProjectUsageDetail(teamSlug, period.toString(), usage, daily)));
    }

    private YearMonth parseMonth(String month) {
        return Months.parse(month, clock);
    }

    static TeamUsage teamTotals(String teamSlug, YearMonth month, UsageQueries.TeamMonth found) {
        return teamTotals(teamSlug, month, found.projects(), found.storage(), found.limits(), found.trafficBlocked());
    }

    static TeamUsage teamTotals(String teamSlug, YearMonth month, List<ProjectUsage> projects, StorageMonth storageMonth, TeamLimits teamLimits,
                                boolean trafficBlocked) {
        long traffic = projects.stream().mapToLong(p -> p.traffic().bytes()).sum();
        long storage = projects.stream().mapToLong(p -> p.storage().bytes()).sum();
        long requests = projects.stream().mapToLong(ProjectUsage::requests).sum();
        return new TeamUsage(teamSlug, month.toString(), DataSize.of(traffic), DataSize.of(storage), storageMonth, requests,
                Limits.of(teamLimits), new Percent(Percent.of(traffic, teamLimits.trafficBytesPerMonth()),
                Percent.of(storage, teamLimits.storageBytes())), TrafficState.of(teamLimits, traffic, trafficBlocked), projects);
    }
}
