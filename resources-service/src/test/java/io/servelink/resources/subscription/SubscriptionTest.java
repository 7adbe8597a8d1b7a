package io.servelink.resources.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

    private static final Instant NOW = Instant.parse("2030-01-10T05:00:00Z");
    private static final Duration PERIOD = Duration.ofDays(30);
    private static final Duration GRACE = Duration.ofDays(3);

    @Test
    void aFreeTeamPayingIsProForOnePeriodFromNow() {
        Subscription pro = Subscription.free("t").proPaid(NOW, PERIOD);
        assertThat(pro.isPro()).isTrue();
        assertThat(pro.proValidUntil()).isEqualTo(NOW.plus(PERIOD));
    }

    @Test
    void aProTeamPayingGetsOnePeriodMoreAfterItsCurrentEndEvenInGrace() {
        Subscription pro = Subscription.free("t").proPaid(NOW, PERIOD);
        assertThat(pro.proPaid(NOW.plus(Duration.ofDays(10)), PERIOD).proValidUntil()).isEqualTo(NOW.plus(PERIOD).plus(PERIOD));
        assertThat(pro.proPaid(NOW.plus(Duration.ofDays(32)), PERIOD).proValidUntil()).isEqualTo(NOW.plus(PERIOD).plus(PERIOD));
    }

    @Test
    void proLapsesOnlyWhenTheGracePeriodIsOver() {
        Subscription pro = Subscription.free("t").proPaid(NOW, PERIOD);
        Instant end = NOW.plus(PERIOD);
        assertThat(pro.hasLapsed(end.plus(GRACE).minusMillis(1), GRACE)).isFalse();
        assertThat(pro.hasLapsed(end.plus(GRACE), GRACE)).isTrue();
        assertThat(pro.lapse().isPro()).isFalse();
        assertThat(pro.lapse().proValidUntil()).isNull();
        assertThat(Subscription.free("t").hasLapsed(end.plus(GRACE), GRACE)).isFalse();
    }
}
