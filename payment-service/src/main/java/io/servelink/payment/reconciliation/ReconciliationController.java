package io.servelink.payment.reconciliation;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.TeamGuard;
import io.servelink.contracts.spring.jobs.JobLock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /api/payments/admin/jobs/reconciliation}: an operator runs reconciliation now. */
@RestController
class ReconciliationController {

    private final Reconciliation reconciliation;
    private final JobLock jobLock;
    private final TeamGuard guard;
    private final ReconciliationSettings settings;

    ReconciliationController(Reconciliation reconciliation, JobLock jobLock, TeamGuard guard, ReconciliationSettings settings) {
        this.reconciliation = reconciliation;
        this.jobLock = jobLock;
        this.guard = guard;
        this.settings = settings;
    }

    /** {@code ran} is false when another replica is running it right now. */
    record JobRun(String job, boolean ran, Integer checked, Integer changed, Integer errors) {
    }

    @PostMapping("/api/payments/admin/jobs/reconciliation")
    Mono<JobRun> trigger() {
        AtomicReference<Reconciliation.Summary> summary = new AtomicReference<>();
        return guard.platform(PlatformRole.OPERATOR)
                .then(jobLock.runExclusively(Reconciliation.JOB, settings.lockAtMostFor(), Duration.ZERO,
                        () -> reconciliation.run().doOnNext(summary::set)))
                .map(ran -> {
                    Reconciliation.Summary s = summary.get();
                    return s == null ? new JobRun(Reconciliation.JOB, ran, null, null, null)
                            : new JobRun(Reconciliation.JOB, ran, s.checked(), s.changed(), s.errors());
                });
    }
}
