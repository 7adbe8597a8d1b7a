package io.servelink.resources.spendcontrol;

import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.resources.catalog.Catalog;
import io.servelink.resources.catalog.Plan;
import io.servelink.resources.limits.Entitlements;
import io.servelink.resources.subscription.Subscription;
import io.servelink.resources.subscription.Teams;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The owner's traffic hard cap. A change is stored with the team locked, republishes the team's entitlements snapshot
 * (next version, through the outbox) so that usage-service and the gateway apply it within seconds, and is audited, all
 * in one transaction. Setting the value already stored changes, publishes and audits nothing.
 */
@Service
class SpendControlService {

    static final String CHANGED = "spend_control.changed";

    private final Teams teams;
    private final Catalog catalog;
    private final Entitlements entitlements;
    private final AuditLog audit;
    private final TransactionalOperator transactions;
    private final Clock clock;

    SpendControlService(Teams teams, Catalog catalog, Entitlements entitlements, AuditLog audit, TransactionalOperator transactions,
                        Clock clock) {
        this.teams = teams;
        this.catalog = catalog;
        this.entitlements = entitlements;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    Mono<SpendControl> current(String teamSlug) {
        return entitlements.current(teamSlug).map(SpendControl::of);
    }

    /** Call after the caller is known to be the team's owner. */
    Mono<SpendControl> setTrafficHardCap(String teamSlug, Integer percent, String actor, RequestOrigin origin) {
        return Mono.defer(() -> {
                    Instant now = clock.instant();
                    return teams.lock(teamSlug, now)
                            .flatMap(subscription -> catalog.plan(subscription.plan())
                                    .flatMap(plan -> change(subscription, plan, percent, now, new AuditEntry(actor, CHANGED, teamSlug,
                                            null, origin, details(subscription.trafficHardCapPercent(), percent)))));
                })
                .as(transactions::transactional)
                .then(current(teamSlug));
    }

    private Mono<Void> change(Subscription subscription, Plan plan, Integer percent, Instant now, AuditEntry entry) {
        if (plan.trafficPolicy() == TrafficPolicy.STOP) {
            return Mono.error(ApiProblem.conflict("The " + plan.name() + " plan always stops serving the team's projects at 100 % "
                    + "of its monthly traffic; a hard cap is for plans that keep serving past it (Pro)"));
        }
        if (Objects.equals(subscription.trafficHardCapPercent(), percent)) {
            return Mono.empty();
        }
        return teams.saveTrafficHardCap(subscription.teamSlug(), percent, now)
                .then(entitlements.publish(subscription.teamSlug(), now))
                .then(audit.record(entry));
    }

    private static Map<String, Object> details(Integer before, Integer after) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("traffic_hard_cap_percent_before", before);
        details.put("traffic_hard_cap_percent", after);
        return details;
    }
}
