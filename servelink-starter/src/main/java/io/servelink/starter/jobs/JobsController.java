package io.servelink.starter.jobs;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST <servelink.jobs.trigger-path>/{job}}: an operator runs a job now, on one replica (platform role
 * {@code operator}). Answers the run; 409 when another replica holds the job's lock; 404 for an unknown job. Every run
 * and every refusal by the lock is audited as {@code job.triggered} with the outcome and figures.
 */
@RestController
class JobsController {

    private final JobRunner runner;
    private final TeamGuard guard;
    private final AuditLog audit;

    JobsController(JobRunner runner, TeamGuard guard, AuditLog audit) {
        this.runner = runner;
        this.guard = guard;
        this.audit = audit;
    }

    @PostMapping("${servelink.jobs.trigger-path}/{job}")
    Mono<JobRun> trigger(@PathVariable("job") String name, ServerHttpRequest http) {
        return guard.platform(PlatformRole.OPERATOR).flatMap(operator -> {
            Job job = runner.find(name).orElseThrow(() -> ApiProblem.notFound(
                    "No job '" + name + "'; jobs are " + String.join(", ", runner.jobs().stream().map(Job::name).toList())));
            return audit.jobTriggered(operator.subject(), job.name(), RequestOrigin.of(http), runner.trigger(job), JobRun::auditDetails);
        }).flatMap(JobsController::ranOrConflict);
    }

    private static Mono<JobRun> ranOrConflict(JobRun run) {
        return run.ran() ? Mono.just(run) : Mono.error(ApiProblem.conflict("Job '" + run.job()
                + "' is running on another replica, or has just run there; try again once it has finished"));
    }
}
