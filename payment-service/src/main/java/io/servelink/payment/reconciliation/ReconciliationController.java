package io.servelink.payment.reconciliation;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.TeamGuard;
import io.servelink.contracts.spring.audit.AuditLog;
import io.servelink.contracts.spring.audit.RequestOrigin;
import io.servelink.contracts.spring.jobs.JobLock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /api/payments/admin/jobs/reconciliation}: an operator runs reconciliation now (audited). */
@RestController
class ReconciliationController {

    private final Reconciliation reconciliation;
    private final JobLock jobLock;
    private final TeamGuard guard;
    private final ReconciliationSettings settings;
    private final AuditLog audit;

    ReconciliationController(Reconciliation reconciliation, JobLock jobLock, TeamGuard guard, ReconciliationSettings settings,
                             AuditLog audit) {
        this.reconciliation = reconciliation;
        this.jobLock = jobLock;
        this.guard = guard;
        this.settings = settings;
        this.audit = audit;
    }

    /** {@code ran} is false when another replica is running it right now. */
    record JobRun(String job, boolean ran, Integer checked, Integer changed, Integer errors) {

        Map<String, Object> figures() {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("ran", ran);
            if (checked != null) {
                figures.put("checked", checked);
                figures.put("changed", changed);
                figures.put("errors", errors);
            }
            return figures;
        }
    }

    @PostMapping("/api/payments/admin/jobs/reconciliation")
    Mono<JobRun> trigger(ServerHttpRequest http) {
        return guard.platform(PlatformRole.OPERATOR)
                .flatMap(operator -> audit.jobTriggered(operator.subject(), Reconciliation.JOB, RequestOrigin.of(http), run(),
                        JobRun::figures));
    }

    private Mono<JobRun> run() {
        AtomicReference<Reconciliation.Summary> summary = new AtomicReference<>();
        return jobLock.runExclusively(Reconciliation.JOB, settings.lockAtMostFor(), Duration.ZERO,
                        () -> reconciliation.run().doOnNext(summary::set))
                .map(ran -> {
                    Reconciliation.Summary s = summary.get();
                    return s == null ? new JobRun(Reconciliation.JOB, ran, null, null, null)
                            : new JobRun(Reconciliation.JOB, ran, s.checked(), s.changed(), s.errors());
                });
    }
}
