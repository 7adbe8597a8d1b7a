package io.servelink.resources.renewal;

import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import io.servelink.resources.ResourcesSettings;
import io.servelink.resources.addon.Addon;
import io.servelink.resources.addon.Addons;
import io.servelink.resources.limits.Entitlements;
import io.servelink.resources.paymentclient.InitiatePayment;
import io.servelink.resources.paymentclient.PaymentStarted;
import io.servelink.resources.paymentclient.PaymentsClient;
import io.servelink.resources.paymentclient.ServiceCredentials;
import io.servelink.resources.catalog.Plan;
import io.servelink.resources.subscription.Subscription;
import io.servelink.resources.subscription.Teams;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code expiry} job (05:00 UTC, {@code servelink.jobs.expiry.*}), on one replica at a time. In order:
 * <ol>
 *   <li>expires active add-ons whose time is up (and publishes the team's new limits);</li>
 *   <li>moves Pro teams whose period ended more than the grace period ago back to Free; their add-ons stop
 *       renewing and run until they expire;</li>
 *   <li>starts the renewal payment of active add-ons with renewal on, of Pro teams, that end within the renewal
 *       lead, with the service credential; an unpaid renewal lets the add-on expire.</li>
 * </ol>
 * Each team's change is its own transaction with the team's row locked; one team's failure does not stop the others.
 * Every change is audited in its transaction with the actor {@code job:expiry}
 * ({@code addon.expired}, {@code plan.lapsed}, {@code addon.renewal_started}).
 */
@Component
class ExpiryJob implements Job {

    static final String NAME = "expiry";
    static final String ACTOR = "job:" + NAME;
    private static final Logger log = LoggerFactory.getLogger(ExpiryJob.class);

    private final Teams teams;
    private final Addons addons;
    private final Entitlements entitlements;
    private final AuditLog audit;
    private final PaymentsClient payments;
    private final ServiceCredentials credentials;
    private final TransactionalOperator transactions;
    private final ResourcesSettings settings;
    private final JsonMapper json;
    private final Clock clock;

    ExpiryJob(Teams teams, Addons addons, Entitlements entitlements, AuditLog audit, PaymentsClient payments,
              ServiceCredentials credentials, TransactionalOperator transactions, ResourcesSettings settings, JsonMapper json,
              Clock clock) {
        this.teams = teams;
        this.addons = addons;
        this.entitlements = entitlements;
        this.audit = audit;
        this.payments = payments;
        this.credentials = credentials;
        this.transactions = transactions;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<JobResult> run() {
        return runSteps().map(report -> JobResult.completed(report.figures()));
    }

    private Mono<JobReport> runSteps() {
        Instant now = clock.instant();
        return expireAddons(now).flatMap(expired -> lapseTeams(now).flatMap(lapsed -> startRenewals(now)
                .map(renewals -> new JobReport(expired, lapsed, renewals[0], renewals[1]))));
    }

    private Mono<Integer> expireAddons(Instant now) {
        return addons.teamsWithExpiredAddons(now)
                .concatMap(team -> expireAddonsOf(team, now).onErrorResume(e -> skipTeam("expiring add-ons", team, e)))
                .reduce(0, Integer::sum);
    }

    private Mono<Integer> expireAddonsOf(String team, Instant now) {
        return teams.lock(team, now)
                .thenMany(addons.activeOfTeam(team))
                .concatMap(addon -> {
                    Addon expired = addon.expireIfDue(now);
                    return expired.equals(addon) ? Mono.<Integer>empty() : addons.update(expired, now)
                            .then(audit.record(new AuditEntry(ACTOR, "addon.expired", team, expired.id().toString(),
                                    RequestOrigin.NONE, Map.of("expires_at", expired.expiresAt().toString()))))
                            .thenReturn(1);
                })
                .reduce(0, Integer::sum)
                .flatMap(count -> count == 0 ? Mono.just(0) : entitlements.publish(team, now).thenReturn(count))
                .as(transactions::transactional);
    }

    private Mono<Integer> lapseTeams(Instant now) {
        return teams.proEndedBefore(now.minus(settings.proGrace()))
                .concatMap(team -> lapse(team, now).onErrorResume(e -> skipTeam("the lapse check", team, e)))
                .reduce(0, Integer::sum);
    }

    private Mono<Integer> lapse(String team, Instant now) {
        return teams.lock(team, now)
                .filter(subscription -> subscription.hasLapsed(now, settings.proGrace()))
                .flatMap(subscription -> teams.save(subscription.lapse(), now)
                        .thenMany(addons.activeOfTeam(team))
                        .filter(Addon::autoRenew)
                        .concatMap(addon -> addons.update(addon.stopRenewing(), now).thenReturn(addon.id().toString()))
                        .collectList()
                        .flatMap(stopped -> audit.record(lapsed(team, subscription, stopped)))
                        .then(entitlements.publish(team, now))
                        .doOnNext(event -> log.info("Team '{}' fell back to Free: Pro ended {}", team, subscription.proValidUntil()))
                        .thenReturn(1))
                .defaultIfEmpty(0)
                .as(transactions::transactional);
    }

    private static AuditEntry lapsed(String team, Subscription subscription, List<String> stoppedRenewing) {
        return new AuditEntry(ACTOR, "plan.lapsed", team, Plan.PRO, RequestOrigin.NONE, Map.of(
                "pro_valid_until", subscription.proValidUntil().toString(), "addons_renewal_stopped", new ArrayList<>(stoppedRenewing)));
    }

    /** Returns {started, failed}. */
    private Mono<int[]> startRenewals(Instant now) {
        return addons.renewalCandidates(now.plus(settings.renewalLead()))
                .filter(addon -> addon.renewalDue(now, settings.renewalLead()))
                .concatMap(addon -> startRenewal(addon, now)
                        .thenReturn(new int[] {1, 0})
                        .onErrorResume(e -> {
                            log.warn("Could not start the renewal of add-on {} of team '{}': {}", addon.id(), addon.teamSlug(), e.toString());
                            return Mono.just(new int[] {0, 1});
                        }))
                .reduce(new int[] {0, 0}, (a, b) -> new int[] {a[0] + b[0], a[1] + b[1]});
    }

    private Mono<Void> startRenewal(Addon addon, Instant now) {
        InitiatePayment initiate = new InitiatePayment("renewal", addon.reference(), addon.paymentMethod(), addon.phone());
        String idempotencyKey = "renewal:" + addon.reference() + ":" + addon.expiresAt().getEpochSecond();
        return credentials.bearerToken()
                .flatMap(token -> payments.initiate(addon.teamSlug(), initiate, token, idempotencyKey))
                .flatMap(started -> recordRenewal(addon, started, now));
    }

    private Mono<Void> recordRenewal(Addon candidate, PaymentStarted started, Instant now) {
        Addon.Renewal renewal = new Addon.Renewal(started.paymentId(), now,
                started.nextAction() == null ? null : json.writeValueAsString(started.nextAction()));
        return teams.lock(candidate.teamSlug(), now)
                .then(addons.find(candidate.teamSlug(), candidate.id()))
                .filter(addon -> addon.renewal() == null && addon.expiresAt().equals(candidate.expiresAt()))
                .flatMap(addon -> addons.update(addon.renewalRequested(renewal), now)
                        .then(audit.record(new AuditEntry(ACTOR, "addon.renewal_started", addon.teamSlug(), addon.id().toString(),
                                RequestOrigin.NONE, Map.of("payment_id", started.paymentId(), "expires_at", addon.expiresAt().toString())))))
                .as(transactions::transactional);
    }

    private static Mono<Integer> skipTeam(String step, String team, Throwable e) {
        log.error("The expiry job failed {} of team '{}'; the next run retries", step, team, e);
        return Mono.just(0);
    }
}
