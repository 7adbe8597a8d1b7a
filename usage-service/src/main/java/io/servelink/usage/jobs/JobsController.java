package io.servelink.usage.jobs;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.ApiProblem;
import io.servelink.contracts.spring.TeamGuard;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
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

    JobsController(JobRunner runner, TeamGuard guard) {
        this.runner = runner;
        this.guard = guard;
    }

    @PostMapping("/{job_name}")
    @Operation(summary = "Runs storage-measurement, limit-check or inactive-projects now, on one replica (role operator)")
    Mono<JobRun> trigger(@PathVariable("job_name") String jobName) {
        return guard.platform(PlatformRole.OPERATOR)
                .map(operator -> runner.find(jobName).orElseThrow(() -> ApiProblem.notFound(
                        "No job '" + jobName + "'; jobs are storage-measurement, limit-check and inactive-projects")))
                .flatMap(job -> runner.run(job, Duration.ZERO));
    }
}
