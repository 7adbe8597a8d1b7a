package io.servelink.usage.limits;

import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** 06:00 UTC: every team's usage this month against its limits. */
@Component
class LimitCheckJob implements Job {

    private final LimitCheck check;

    LimitCheckJob(LimitCheck check) {
        this.check = check;
    }

    @Override
    public String name() {
        return "limit-check";
    }

    @Override
    public Mono<JobResult> run() {
        return check.checkAll().map(outcome -> JobResult.completed(Map.of(
                "teams_checked", outcome.teamsChecked(), "alerts_raised", outcome.alertsRaised(),
                "states_published", outcome.statesPublished())));
    }
}
