package io.servelink.resources.renewal;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.TeamGuard;
import io.servelink.contracts.spring.audit.AuditLog;
import io.servelink.contracts.spring.audit.RequestOrigin;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Operators run the 05:00 job on demand (after an incident, or to check a change). Role {@code operator}; audited. */
@RestController
class JobsController {

    private final TeamGuard guard;
    private final ExpiryJob job;
    private final AuditLog audit;

    JobsController(TeamGuard guard, ExpiryJob job, AuditLog audit) {
        this.guard = guard;
        this.job = job;
        this.audit = audit;
    }

    /** Runs now unless a replica is running it; {@code ran} says which. */
    @PostMapping("/api/resources/admin/jobs/expiry")
    Mono<JobReport> runExpiry(ServerHttpRequest http) {
        return guard.platform(PlatformRole.OPERATOR).flatMap(operator -> audit.jobTriggered(operator.subject(), ExpiryJob.NAME,
                RequestOrigin.of(http), Mono.defer(() -> job.run(Duration.ZERO)), JobsController::figures));
    }

    private static Map<String, Object> figures(JobReport report) {
        return Map.of("ran", report.ran(), "expired_addons", report.expiredAddons(), "lapsed_teams", report.lapsedTeams(),
                "renewals_started", report.renewalsStarted(), "renewals_failed", report.renewalsFailed());
    }
}
