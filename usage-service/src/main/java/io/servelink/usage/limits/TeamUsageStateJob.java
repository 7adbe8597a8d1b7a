package io.servelink.usage.limits;

import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Every minute (by default): the usage states that may be out of date without any new usage to trigger a check. The
 * first run of a month publishes every team's state for the new month (service resumes for a team stopped last
 * month, although the gateway already ignores a state of an earlier month); byte figures that moved since the last
 * state are published once the refresh interval has passed; a limits change whose check failed is caught up.
 */
@Component
class TeamUsageStateJob implements Job {

    private static final int TEAMS_PER_ROUND = 500;

    private final TeamUsageStates states;
    private final Clock clock;

    TeamUsageStateJob(TeamUsageStates states, Clock clock) {
        this.states = states;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "team-usage-state";
    }

    @Override
    public Mono<JobResult> run() {
        YearMonth period = YearMonth.now(clock);
        return states.due(period)
                .buffer(TEAMS_PER_ROUND)
                .concatMap(teams -> states.refresh(Set.copyOf(teams), period).map(published -> new long[] {teams.size(), published}))
                .reduce(new long[] {0, 0}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]})
                .map(totals -> JobResult.completed(Map.of("teams_due", totals[0], "states_published", totals[1])));
    }
}
