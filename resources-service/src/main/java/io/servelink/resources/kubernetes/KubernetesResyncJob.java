package io.servelink.resources.kubernetes;

import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The {@code kubernetes-resync} job ({@code servelink.jobs.kubernetes-resync.*}, every 5 minutes by default), on one
 * replica at a time: applies every team's stored snapshot to its namespace again. It catches namespaces created after
 * their team's snapshot, applies what failed before, and sets back objects someone changed by hand. Figures: one per
 * outcome ({@code applied}, {@code namespace_missing}, {@code superseded}, {@code failed}); {@code degraded} when any
 * failed.
 */
class KubernetesResyncJob implements Job {

    static final String NAME = "kubernetes-resync";

    private final TeamQuotas quotas;
    private final QuotaReconciler reconciler;

    KubernetesResyncJob(TeamQuotas quotas, QuotaReconciler reconciler) {
        this.quotas = quotas;
        this.reconciler = reconciler;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<JobResult> run() {
        return quotas.all()
                .concatMap(reconciler::reconcile)
                .collect(() -> new EnumMap<QuotaReconciler.Outcome, Long>(QuotaReconciler.Outcome.class),
                        (counts, outcome) -> counts.merge(outcome, 1L, Long::sum))
                .map(counts -> {
                    Map<String, Long> figures = new LinkedHashMap<>();
                    for (QuotaReconciler.Outcome outcome : QuotaReconciler.Outcome.values()) {
                        figures.put(outcome.wire(), counts.getOrDefault(outcome, 0L));
                    }
                    long failed = figures.get(QuotaReconciler.Outcome.FAILED.wire());
                    return failed == 0 ? JobResult.completed(figures)
                            : JobResult.degraded("the Kubernetes API failed for " + failed + " team(s)", figures);
                });
    }
}
