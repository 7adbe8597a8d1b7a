package io.servelink.resources.limits;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.starter.outbox.Outbox;
import io.servelink.resources.addon.Addon;
import io.servelink.resources.addon.Addons;
import io.servelink.resources.catalog.Allowance;
import io.servelink.resources.catalog.Catalog;
import io.servelink.resources.catalog.Plan;
import io.servelink.resources.subscription.Subscription;
import io.servelink.resources.subscription.Teams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Computes a team's effective limits (plan plus active add-ons, the plan's traffic policy and the owner's hard cap)
 * and publishes them: every change of a team's
 * entitlements calls {@link #publish} in its own transaction, with the team's row locked, so the snapshot on the
 * compacted topic is always the full state of that transaction under the next version.
 */
@Component
public class Entitlements {

    private final Teams teams;
    private final Addons addons;
    private final Catalog catalog;
    private final Outbox outbox;
    private final TopicNames topics;

    Entitlements(Teams teams, Addons addons, Catalog catalog, Outbox outbox, TopicNames topics) {
        this.teams = teams;
        this.addons = addons;
        this.catalog = catalog;
        this.outbox = outbox;
        this.topics = topics;
    }

    /** The team's limits as stored now. */
    public Mono<TeamLimits> current(String teamSlug) {
        return teams.find(teamSlug).flatMap(this::limitsOf);
    }

    /**
     * Takes the team's next version and appends its full snapshot to the outbox. Call it inside the transaction of
     * the change, after {@code Teams.lock}.
     */
    public Mono<EntitlementsChanged> publish(String teamSlug, Instant now) {
        return teams.nextVersion(teamSlug)
                .flatMap(version -> current(teamSlug).map(limits -> limits.toEvent(version)))
                .flatMap(event -> outbox.append(topics.entitlements(), teamSlug, EventEnvelope.of(event, now)).thenReturn(event));
    }

    private Mono<TeamLimits> limitsOf(Subscription subscription) {
        return catalog.plan(subscription.plan())
                .flatMap(plan -> addons.activeOfTeam(subscription.teamSlug()).collectList()
                        .map(active -> limits(subscription, plan, active)));
    }

    static TeamLimits limits(Subscription subscription, Plan plan, List<Addon> active) {
        List<TeamLimits.Item> items = new ArrayList<>();
        items.add(TeamLimits.Item.of("plan", plan.id(), null, null, subscription.proValidUntil(), plan.allowance()));
        Allowance total = plan.allowance();
        for (Addon addon : active) {
            items.add(TeamLimits.Item.of("addon", addon.id().toString(), addon.resourceType(), addon.quantity(),
                    addon.expiresAt(), addon.allowance()));
            total = total.plus(addon.allowance());
        }
        return TeamLimits.of(subscription.teamSlug(), subscription.plan(), subscription.proValidUntil(), subscription.version(),
                List.copyOf(items), TeamLimits.Totals.of(total), plan.trafficPolicy(), subscription.trafficHardCapPercent());
    }
}
