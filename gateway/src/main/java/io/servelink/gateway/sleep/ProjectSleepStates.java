package io.servelink.gateway.sleep;

import io.servelink.contracts.events.activity.ProjectSleepState;
import io.servelink.gateway.topics.CompactedTopicFollower;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The projects' sleep states as the compacted topic {@code servelink.project-sleep.v1} says (the highest
 * {@code version} per project; a tombstone removes the project, which then counts as awake). The request path asks
 * {@link #isAsleep}: a lookup in an immutable set of the sleeping projects, swapped whenever a state arrives.
 */
@Component
public class ProjectSleepStates implements CompactedTopicFollower.Sink<ProjectSleepState> {

    private volatile Map<String, ProjectSleepState> states = Map.of(); // written under this lock
    private volatile Set<String> asleep = Set.of();
    private volatile boolean caughtUp;
    /** Projects that have just woken, for requests held until their project wakes. */
    private final Sinks.Many<String> woken = Sinks.many().multicast().directBestEffort();

    ProjectSleepStates(SleepSettings settings) {
        this.caughtUp = !settings.enabled(); // nothing to read
    }

    /** Whether the project is asleep now. No allocation, no lock: called for every project request. */
    public boolean isAsleep(String projectId) {
        return projectId != null && asleep.contains(projectId);
    }

    /** Completes with true as soon as the project is awake (at once if it is), with false after {@code atMost}. */
    public Mono<Boolean> awaitAwake(String projectId, Duration atMost) {
        // subscribed to the wake-ups before the state is looked at, so a wake-up in between is not missed
        return Flux.merge(woken.asFlux(), Mono.fromSupplier(() -> projectId))
                .filter(id -> id.equals(projectId) && !isAsleep(projectId))
                .next()
                .map(id -> true)
                .timeout(atMost, Mono.just(false))
                .publishOn(Schedulers.parallel()); // not on the topic follower's thread
    }

    @Override
    public synchronized void apply(List<CompactedTopicFollower.Keyed<ProjectSleepState>> records) {
        Map<String, ProjectSleepState> next = new HashMap<>(states);
        for (CompactedTopicFollower.Keyed<ProjectSleepState> record : records) {
            ProjectSleepState state = record.value();
            ProjectSleepState known = next.get(record.key());
            if (state == null) {
                next.remove(record.key());
            } else if (known == null || state.version() > known.version()) {
                next.put(record.key(), state);
            }
        }
        Set<String> before = asleep;
        states = Map.copyOf(next);
        asleep = states.entrySet().stream().filter(entry -> entry.getValue().asleep()).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
        before.stream().filter(id -> !asleep.contains(id)).forEach(woken::tryEmitNext);
    }

    @Override
    public boolean isCaughtUp() {
        return caughtUp;
    }

    @Override
    public void markCaughtUp() {
        caughtUp = true;
    }

    int size() {
        return states.size();
    }

    int asleepCount() {
        return asleep.size();
    }
}
