package io.servelink.payment.reconciliation;

import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The {@code reconciliation} job (every few minutes, {@code servelink.jobs.reconciliation.*}): see {@link Reconciliation}. */
@Component
class ReconciliationJob implements Job {

    private final Reconciliation reconciliation;

    ReconciliationJob(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @Override
    public String name() {
        return "reconciliation";
    }

    @Override
    public Mono<JobResult> run() {
        return reconciliation.run().map(summary -> JobResult.completed(Map.of("checked", (long) summary.checked(),
                "changed", (long) summary.changed(), "errors", (long) summary.errors())));
    }
}
