package io.servelink.support.sla;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.TeamGuard;
import io.servelink.contracts.spring.audit.AuditLog;
import io.servelink.contracts.spring.audit.RequestOrigin;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Operator trigger of the SLA breach job (runs it now, still on one replica only); audited as {@code job.triggered}. */
@RestController
@RequestMapping("/api/support/admin/jobs")
class SlaAdminController {

    private final TeamGuard guard;
    private final SlaBreachJob job;
    private final AuditLog audit;

    SlaAdminController(TeamGuard guard, SlaBreachJob job, AuditLog audit) {
        this.guard = guard;
        this.job = job;
        this.audit = audit;
    }

    @PostMapping("/sla-breaches")
    Mono<SlaBreachJob.Report> runSlaBreaches(ServerHttpRequest http) {
        return guard.platform(PlatformRole.OPERATOR).flatMap(operator -> audit.jobTriggered(operator.subject(), SlaBreachJob.JOB,
                RequestOrigin.of(http), job.run(), report -> Map.of("ran", report.ran(),
                        "first_response_breaches", report.firstResponseBreaches(), "resolution_breaches", report.resolutionBreaches())));
    }
}
