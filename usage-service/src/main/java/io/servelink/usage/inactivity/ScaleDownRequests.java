package io.servelink.usage.inactivity;

import io.servelink.contracts.events.activity.ProjectScaleDownRequested;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * 03:00 UTC: asks the deployer to scale down ({@link ProjectScaleDownRequested}) every project asleep for
 * {@code servelink.usage.inactivity.scale-down-after} (default 7 days) or longer, once per sleep: the request is
 * recorded on the project's sleep row in the transaction of the event ({@link ProjectSleeps#requestScaleDown}), so a
 * second run, an overlapping run on another replica or a restart never sends it twice. A wake ends the sleep; the next
 * sleep gets its own request.
 */
@Component
class ScaleDownRequests implements Job {

    static final String NAME = "scale-down-requests";
    private static final String ACTOR = "job:" + NAME;

    private final TransactionalOperator transactions;
    private final ProjectSleeps sleeps;
    private final Clock clock;
    private final Duration after;

    ScaleDownRequests(TransactionalOperator transactions, ProjectSleeps sleeps, Clock clock, InactivitySettings settings) {
        this.transactions = transactions;
        this.sleeps = sleeps;
        this.clock = clock;
        this.after = settings.scaleDownAfter();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<JobResult> run() {
        Instant now = clock.instant();
        return sleeps.awaitingScaleDown(now.minus(after))
                .concatMap(sleeping -> sleeps.requestScaleDown(sleeping, now, ACTOR).as(transactions::transactional))
                .reduce(0L, Long::sum)
                .map(requested -> JobResult.completed(Map.of("scale_downs_requested", requested)));
    }
}
