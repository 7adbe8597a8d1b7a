package io.servelink.support.sla;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.TeamGuard;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Operator trigger of the SLA breach job (runs it now, still on one replica only). */
@RestController
@RequestMapping("/api/support/admin/jobs")
class SlaAdminController {

    private final TeamGuard guard;
    private final SlaBreachJob job;

    SlaAdminController(TeamGuard guard, SlaBreachJob job) {
        this.guard = guard;
        this.job = job;
    }

    @PostMapping("/sla-breaches")
    Mono<SlaBreachJob.Report> runSlaBreaches() {
        return guard.platform(PlatformRole.OPERATOR).then(job.run());
    }
}
