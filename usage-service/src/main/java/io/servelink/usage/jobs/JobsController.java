package io.servelink.usage.jobs;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.ApiProblem;
import io.servelink.contracts.spring.TeamGuard;
import io.servelink.contracts.spring.audit.AuditLog;
import io.servelink.contracts.spring.audit.RequestOrigin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/usage/admin/jobs")
@Tag(name = "Usage jobs", description = "Run a scheduled job now (role operator)")
class JobsController {

    private final JobRunner runner;
    private final TeamGuard guard;
    private final AuditLog audit;

    JobsController(JobRunner runner, TeamGuard guard, AuditLog audit) {
        this.runner = runner;
        this.guard = guard;
        this.audit = audit;
    }

    /** The operator's trigger is audited ({@code job.triggered}) with the run's outcome; an unknown job is a 404, not audited. */
    @PostMapping("/{job_name}")
    @Operation(summary = "Runs storage-measurement, limit-check or inactive-projects now, on one replica (role operator)")
    Mono<JobRun> trigger(@PathVariable("job_name") String jobName, ServerHttpRequest http) {
        return guard.platform(PlatformRole.OPERATOR).flatMap(operator -> {
            UsageJob job = runner.find(jobName).orElseThrow(() -> ApiProblem.notFound(
                    "No job '" + jobName + "'; jobs are storage-measurement, limit-check and inactive-projects"));
            return audit.jobTriggered(operator.subject(), job.name(), RequestOrigin.of(http), runner.run(job, Duration.ZERO),
                    JobsController::figures);
        });
    }

    private static Map<String, Object> figures(JobRun run) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("ran", run.ran());
        if (run.result() != null) {
            figures.put("outcome", run.result().outcome());
            figures.putAll(run.result().figures());
        }
        return figures;
    }
}
