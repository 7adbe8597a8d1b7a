package io.servelink.resources.addon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servelink.starter.ApiProblem;
import io.servelink.resources.catalog.AddonType;
import io.servelink.resources.catalog.Allowance;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AddonTest {

    private static final Instant NOW = Instant.parse("2030-01-10T05:00:00Z");
    private static final Duration PERIOD = Duration.ofDays(30);
    private static final AddonType RAM = new AddonType("ram", "RAM +500 MB", new Allowance(0, 0, 500, 0), 100, "EUR");

    private static Addon pending() {
        return Addon.pending(UUID.randomUUID(), "team", RAM, 3, "credit_card", null, NOW);
    }

    @Test
    void aPendingAddonGrantsQuantityTimesTheUnitAndCostsQuantityTimesThePrice() {
        Addon addon = pending();
        assertThat(addon.allowance()).isEqualTo(new Allowance(0, 0, 1500, 0));
        assertThat(addon.priceMinor()).isEqualTo(300);
        assertThat(addon.countsTowardsLimits()).isFalse();
        assertThat(addon.reference()).isEqualTo("addon:" + addon.id());
    }

    @Test
    void payingActivatesForOnePeriodAndPayingAgainChangesNothing() {
        Addon active = pending().paid("pay-1", NOW, PERIOD);
        assertThat(active.status()).isEqualTo(AddonStatus.ACTIVE);
        assertThat(active.expiresAt()).isEqualTo(NOW.plus(PERIOD));
        assertThat(active.paid("pay-2", NOW.plusSeconds(60), PERIOD)).isSameAs(active);
    }

    @Test
    void moneyWinsOverAFailedOrCancelledPurchase() {
        assertThat(pending().paymentEnded(AddonStatus.FAILED).paid("p", NOW, PERIOD).status()).isEqualTo(AddonStatus.ACTIVE);
        assertThat(pending().cancel().paid("p", NOW, PERIOD).status()).isEqualTo(AddonStatus.ACTIVE);
    }

    @Test
    void aFailedPaymentEndsOnlyAPendingAddon() {
        Addon active = pending().paid("p", NOW, PERIOD);
        assertThat(active.paymentEnded(AddonStatus.FAILED)).isSameAs(active);
        assertThat(pending().paymentEnded(AddonStatus.CANCELLED).status()).isEqualTo(AddonStatus.CANCELLED);
    }

    @Test
    void aRenewalExtendsFromTheCurrentEndOrRevivesAnExpiredAddonFromNow() {
        Addon active = pending().paid("p", NOW, PERIOD);
        assertThat(active.renewed(NOW.plus(Duration.ofDays(28)), PERIOD).expiresAt()).isEqualTo(NOW.plus(PERIOD).plus(PERIOD));
        Instant late = NOW.plus(Duration.ofDays(31));
        Addon expired = active.expireIfDue(late);
        assertThat(expired.status()).isEqualTo(AddonStatus.EXPIRED);
        assertThat(expired.renewed(late, PERIOD).expiresAt()).isEqualTo(late.plus(PERIOD));
        assertThat(pending().renewed(NOW, PERIOD).status()).isEqualTo(AddonStatus.PENDING);
    }

    @Test
    void cancellingAnActiveAddonOnlyStopsRenewal() {
        Addon cancelled = pending().paid("p", NOW, PERIOD).cancel();
        assertThat(cancelled.status()).isEqualTo(AddonStatus.ACTIVE);
        assertThat(cancelled.autoRenew()).isFalse();
        assertThat(cancelled.renewalDue(NOW.plus(Duration.ofDays(29)), Duration.ofDays(3))).isFalse();
        assertThat(cancelled.cancel()).isEqualTo(cancelled);
        assertThatThrownBy(() -> pending().paymentEnded(AddonStatus.FAILED).cancel()).isInstanceOf(ApiProblem.class);
    }

    @Test
    void renewalIsDueWithinTheLeadOnlyOnceUntilItSettles() {
        Addon active = pending().paid("p", NOW, PERIOD);
        Duration lead = Duration.ofDays(3);
        assertThat(active.renewalDue(NOW.plus(Duration.ofDays(27)).minusSeconds(1), lead)).isFalse();
        assertThat(active.renewalDue(NOW.plus(Duration.ofDays(27)), lead)).isTrue();
        Addon requested = active.renewalRequested(new Addon.Renewal("r", NOW, null));
        assertThat(requested.renewalDue(NOW.plus(Duration.ofDays(28)), lead)).isFalse();
        assertThat(requested.renewalEnded().renewalDue(NOW.plus(Duration.ofDays(28)), lead)).isTrue();
    }

    @Test
    void anAddonExpiresExactlyWhenItsTimeIsUp() {
        Addon active = pending().paid("p", NOW, PERIOD);
        assertThat(active.expireIfDue(NOW.plus(PERIOD).minusMillis(1))).isSameAs(active);
        assertThat(active.expireIfDue(NOW.plus(PERIOD)).status()).isEqualTo(AddonStatus.EXPIRED);
    }
}
