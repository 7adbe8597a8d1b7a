package io.servelink.resources.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.entitlements.EffectiveLimits;
import io.servelink.contracts.events.entitlements.TrafficPolicy;
import io.servelink.resources.addon.Addon;
import io.servelink.resources.catalog.AddonType;
import io.servelink.resources.catalog.Allowance;
import io.servelink.resources.catalog.Plan;
import io.servelink.resources.subscription.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EntitlementsTest {

    private static final long GB = 1_000_000_000L;
    private static final Instant NOW = Instant.parse("2030-01-10T05:00:00Z");
    private static final Plan PRO = new Plan("pro", "Pro", new Allowance(100 * GB, 20 * GB, 2048, 2), 900, "EUR", TrafficPolicy.SOFT);

    private static Addon active(String type, Allowance unit, int quantity) {
        return Addon.pending(UUID.randomUUID(), "t", new AddonType(type, type, unit, 100, "EUR"), quantity, "credit_card", null, NOW)
                .paid("p", NOW, Duration.ofDays(30));
    }

    @Test
    void totalsArePlanPlusEveryAddonTimesItsQuantityAndTheEventCarriesThem() {
        Subscription subscription = new Subscription("t", "pro", NOW.plus(Duration.ofDays(30)), 4, null);
        TeamLimits limits = Entitlements.limits(subscription, PRO, List.of(
                active("ram", new Allowance(0, 0, 500, 0), 3),
                active("traffic", new Allowance(10 * GB, 0, 0, 0), 2),
                active("cpu", new Allowance(0, 0, 0, 1), 1),
                active("storage", new Allowance(0, 10 * GB, 0, 0), 10)));

        assertThat(limits.items()).hasSize(5);
        assertThat(limits.items().getFirst().source()).isEqualTo("plan");
        assertThat(limits.totals()).isEqualTo(new TeamLimits.Totals(120 * GB, 120 * GB, 3548, 3));
        var event = limits.toEvent(5);
        assertThat(event.version()).isEqualTo(5);
        assertThat(event.plan()).isEqualTo("pro");
        assertThat(event.limits()).isEqualTo(new EffectiveLimits(120 * GB, 120 * GB, 3548, 3));
    }

    @Test
    void withoutAddonsTheTotalsAreThePlans() {
        TeamLimits limits = Entitlements.limits(Subscription.free("t"),
                new Plan("free", "Free", new Allowance(10 * GB, GB, 512, 1), 0, "EUR", TrafficPolicy.STOP), List.of());
        assertThat(limits.totals()).isEqualTo(new TeamLimits.Totals(10 * GB, GB, 512, 1));
        assertThat(limits.validUntil()).isNull();
    }

    @Test
    void aSoftPlanCarriesTheOwnersHardCapAsItsStopPercent() {
        Subscription capped = new Subscription("t", "pro", NOW.plus(Duration.ofDays(30)), 4, 150);
        TeamLimits limits = Entitlements.limits(capped, PRO, List.of());
        assertThat(limits.trafficPolicy()).isEqualTo(TrafficPolicy.SOFT);
        assertThat(limits.trafficStopPercent()).isEqualTo(150);
        var event = limits.toEvent(5);
        assertThat(event.trafficPolicy()).isEqualTo(TrafficPolicy.SOFT);
        assertThat(event.trafficHardCapPercent()).isEqualTo(150);
        assertThat(event.trafficStopPercent()).hasValue(150);

        TeamLimits uncapped = Entitlements.limits(new Subscription("t", "pro", NOW, 4, null), PRO, List.of());
        assertThat(uncapped.trafficStopPercent()).isNull();
        assertThat(uncapped.toEvent(6).trafficStopPercent()).isEmpty();
    }

    @Test
    void aStoppingPlanStopsAt100AndPublishesNoCapEvenWhenOneIsStored() {
        Subscription lapsedWithCap = new Subscription("t", "free", null, 4, 300);
        TeamLimits limits = Entitlements.limits(lapsedWithCap,
                new Plan("free", "Free", new Allowance(10 * GB, GB, 512, 1), 0, "EUR", TrafficPolicy.STOP), List.of());
        assertThat(limits.trafficStopPercent()).isEqualTo(100);
        assertThat(limits.trafficHardCapPercent()).isNull();
        assertThat(limits.toEvent(5).trafficPolicy()).isEqualTo(TrafficPolicy.STOP);
        assertThat(limits.toEvent(5).trafficHardCapPercent()).isNull();
    }
}
