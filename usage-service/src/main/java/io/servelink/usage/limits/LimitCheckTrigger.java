package io.servelink.usage.limits;

import io.servelink.usage.UsageChanged;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Checks limits whenever usage or limits change, off the path that changed them: a signal is queued (cheap, the
 * traffic consumer goes on at once), signals arriving within {@code servelink.usage.limits.check-window} are
 * merged, and the affected teams are checked one round at a time. A failed round is logged; the 06:00 check
 * covers whatever it missed.
 */
@Component
class LimitCheckTrigger implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LimitCheckTrigger.class);

    private final Sinks.Many<UsageChanged> changes = Sinks.many().unicast().onBackpressureBuffer();
    private final Disposable rounds;

    @Autowired
    LimitCheckTrigger(LimitCheck check, LimitsSettings settings) {
        this(check::check, settings.checkWindow());
    }

    LimitCheckTrigger(Function<UsageChanged, Mono<LimitCheck.Outcome>> check, Duration window) {
        this.rounds = changes.asFlux()
                // fair backpressure: a window that closes while a round still runs waits for it, and grows meanwhile
                .bufferTimeout(1_000, window, true)
                .map(LimitCheckTrigger::merge)
                .concatMap(change -> check.apply(change)
                        .doOnNext(outcome -> log.debug("Limit check of {} teams published {} states and raised {} alerts",
                                outcome.teamsChecked(), outcome.statesPublished(), outcome.alertsRaised()))
                        .onErrorResume(e -> {
                            log.warn("Limit check after a usage change failed; the daily check will cover it", e);
                            return Mono.empty();
                        }))
                .subscribe(null, e -> log.error("Limit checks after usage changes stopped; only the daily check runs", e));
    }

    @EventListener
    void on(UsageChanged change) {
        changes.emitNext(change, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    private static UsageChanged merge(List<UsageChanged> changes) {
        Set<String> projects = new HashSet<>();
        Set<String> teams = new HashSet<>();
        changes.forEach(change -> {
            projects.addAll(change.projectIds());
            teams.addAll(change.teamSlugs());
        });
        return new UsageChanged(projects, teams);
    }

    @Override
    public void destroy() {
        rounds.dispose();
    }
}
