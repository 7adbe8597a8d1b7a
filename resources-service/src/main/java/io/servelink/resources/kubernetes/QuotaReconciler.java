package io.servelink.resources.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.WireCode;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Makes a team's namespace hold the ResourceQuota and LimitRange of a {@link TeamQuota} ({@link QuotaObjects}): each
 * object is created, or replaced as a whole when it exists (fabric8's {@code createOr(update)}, the latest
 * resourceVersion taken): the reconciler owns both objects by name, and whatever someone changed in them is set back
 * to the team's entitlements.
 *
 * <p>Never fails: a namespace that does not exist (yet) is skipped ({@code namespace_missing}); an API server that
 * does not answer in time or refuses is logged and counted ({@code failed}); both are tried again by the next resync.
 * A quota already in the namespace from a newer snapshot is left alone ({@code superseded}). Each outcome counts in
 * {@code servelink.resources.kubernetes.reconciliations{outcome}}; an applied one is recorded in
 * {@code kubernetes_quotas.applied_version}.
 */
class QuotaReconciler {

    /** An outcome, its wire code the metric's {@code outcome} tag. */
    enum Outcome implements WireCode {
        APPLIED("applied"), NAMESPACE_MISSING("namespace_missing"), SUPERSEDED("superseded"), FAILED("failed");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        @Override
        public String wire() {
            return wire;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(QuotaReconciler.class);

    private final KubernetesClient client;
    private final TeamQuotas quotas;
    private final ResourcesKubernetesSettings settings;
    private final Clock clock;
    private final Duration deadline;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);

    QuotaReconciler(KubernetesClient client, TeamQuotas quotas, ResourcesKubernetesSettings settings, MeterRegistry registry,
                    Clock clock) {
        this.client = client;
        this.quotas = quotas;
        this.settings = settings;
        this.clock = clock;
        // four requests (namespace, current quota, quota, limit range), each with its retries and their pauses
        long attempts = settings.retries() + 1L;
        this.deadline = settings.connectTimeout().plus(settings.requestTimeout()).multipliedBy(4 * attempts)
                .plus(settings.retryBackoff().multipliedBy(1L << Math.min(settings.retries() + 1, 16)));
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder("servelink.resources.kubernetes.reconciliations")
                    .description("Reconciliations of a team namespace's ResourceQuota and LimitRange, by outcome")
                    .tag("outcome", outcome.wire()).register(registry));
        }
    }

    /** Applies the quota to the team's namespace; the outcome, never an error from Kubernetes. */
    Mono<Outcome> reconcile(TeamQuota quota) {
        return Mono.fromCallable(() -> apply(quota))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(deadline)
                .onErrorResume(e -> {
                    log.warn("Could not reconcile the quota of team '{}' (version {}) in namespace '{}'; the next resync tries again",
                            quota.teamSlug(), quota.version(), settings.namespaceOf(quota.teamSlug()), e);
                    return Mono.just(Outcome.FAILED);
                })
                .flatMap(outcome -> outcome == Outcome.APPLIED
                        ? quotas.markApplied(quota.teamSlug(), quota.version(), clock.instant()).thenReturn(outcome)
                        : Mono.just(outcome))
                .doOnNext(outcome -> outcomes.get(outcome).increment());
    }

    private Outcome apply(TeamQuota quota) {
        String namespace = settings.namespaceOf(quota.teamSlug());
        if (client.namespaces().withName(namespace).get() == null) {
            log.info("Namespace '{}' of team '{}' does not exist; its quota waits for the next resync", namespace, quota.teamSlug());
            return Outcome.NAMESPACE_MISSING;
        }
        ResourceQuota current = client.resourceQuotas().inNamespace(namespace).withName(QuotaObjects.QUOTA_NAME).get();
        if (current != null && versionOf(current) > quota.version()) {
            return Outcome.SUPERSEDED;
        }
        createOrReplace(QuotaObjects.limitRange(quota, namespace, settings.labels()));
        createOrReplace(QuotaObjects.quota(quota, namespace, settings.labels()));
        log.debug("Team '{}': quota version {} applied in '{}'", quota.teamSlug(), quota.version(), namespace);
        return Outcome.APPLIED;
    }

    private void createOrReplace(HasMetadata object) {
        client.resource(object).createOr(NonDeletingOperation::update);
    }

    private static long versionOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        String version = annotations == null ? null : annotations.get(QuotaObjects.VERSION_ANNOTATION);
        try {
            return version == null ? -1 : Long.parseLong(version);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
