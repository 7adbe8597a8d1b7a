package io.servelink.gateway.access;

import io.servelink.gateway.ingress.IngressHosts;
import io.servelink.gateway.limits.TeamUsageStates;
import io.servelink.gateway.projects.Project;
import io.servelink.gateway.sleep.ProjectSleepStates;
import io.servelink.gateway.sleep.WakeRequests;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Whether an active project's request may go on to the metering and the upstream, decided from the states the
 * gateway follows, never by a call per request: two lookups in immutable sets (the team's, the project's), no
 * allocation. A team over its traffic limit: 402 ({@link VisitorPages#overLimit}); a sleeping project: a wake request
 * and, after at most {@code servelink.gateway.sleep.hold} for it to wake, 503 "waking up"
 * ({@link VisitorPages#waking}). Either way nothing reaches the upstream and nothing is metered. Other requests
 * (API calls, unknown hosts, suspended projects) pass untouched.
 * <p>
 * A web filter ahead of everything that serves a project host (the metering at -160, then the project proxy or the
 * gateway's route), after the per-address rate limit (-200), so it covers plain requests, upgrades and gRPC alike.
 */
final class ProjectAccessFilter implements WebFilter, Ordered {

    /** After the per-address rate limit (-200), before the metering (-160) and the project proxy (-150). */
    static final int ORDER = -170;

    private final IngressHosts hosts;
    private final TeamUsageStates teams;
    private final ProjectSleepStates sleep;
    private final WakeRequests wakeRequests;
    private final VisitorPages pages;
    private final Duration hold;

    ProjectAccessFilter(IngressHosts hosts, TeamUsageStates teams, ProjectSleepStates sleep, WakeRequests wakeRequests,
                        VisitorPages pages, Duration hold) {
        this.hosts = hosts;
        this.teams = teams;
        this.sleep = sleep;
        this.wakeRequests = wakeRequests;
        this.pages = pages;
        this.hold = hold;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Optional<Project> resolved = hosts.resolve(exchange);
        if (resolved.isEmpty() || !resolved.get().isActive()) {
            return chain.filter(exchange);
        }
        Project project = resolved.get();
        if (teams.blocksTraffic(project.teamSlug())) {
            return pages.overLimit(exchange);
        }
        if (sleep.isAsleep(project.id())) {
            return asleep(project, exchange, chain);
        }
        return chain.filter(exchange);
    }

    private Mono<Void> asleep(Project project, ServerWebExchange exchange, WebFilterChain chain) {
        wakeRequests.request(project.id());
        if (hold.isZero() || hold.isNegative()) {
            return pages.waking(exchange);
        }
        return sleep.awaitAwake(project.id(), hold)
                .flatMap(awake -> awake ? chain.filter(exchange) : pages.waking(exchange));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
