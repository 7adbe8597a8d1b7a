package io.servelink.usage.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.usage.UsageChanged;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class LimitCheckTriggerTest {

    @Test
    void keepsCheckingChangesThatArriveWhileASlowerRoundRuns() throws Exception {
        List<Set<String>> checked = new CopyOnWriteArrayList<>();
        // each round takes 20 windows: windows close again and again while it runs
        LimitCheckTrigger trigger = new LimitCheckTrigger(change -> Mono.delay(Duration.ofMillis(200))
                .doOnNext(tick -> checked.add(change.teamSlugs()))
                .thenReturn(new LimitCheck.Outcome(change.teamSlugs().size(), 0, 0)), Duration.ofMillis(10));
        try {
            for (int i = 0; i < 30; i++) {
                trigger.on(UsageChanged.ofTeam("team-" + i));
                Thread.sleep(15);
            }
            trigger.on(UsageChanged.ofTeam("last"));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(checked.stream().flatMap(Set::stream)).contains("last"));
            assertThat(checked.stream().flatMap(Set::stream).distinct()).hasSize(31);
        } finally {
            trigger.destroy();
        }
    }
}
