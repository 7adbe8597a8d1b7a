package io.servelink.resources.renewal;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.TeamGuard;
import java.time.Duration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Operators run the 05:00 job on demand (after an incident, or to check a change). Role {@code operator}. */
@RestController
class JobsController {

    private final TeamGuard guard;
    private final ExpiryJob job;

    JobsController(TeamGuard guard, ExpiryJob job) {
        this.guard = guard;
        this.job = job;
    }

    /** Runs now unless a replica is running it; {@code ran} says which. */
    @PostMapping("/api/resources/admin/jobs/expiry")
    Mono<JobReport> runExpiry() {
        return guard.platform(PlatformRole.OPERATOR).then(Mono.defer(() -> job.run(Duration.ZERO)));
    }
}
