package io.servelink.gateway.limits;

import io.servelink.contracts.events.limits.TeamUsageState;
import io.servelink.gateway.topics.CompactedTopicFollower;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The teams' usage states as the compacted topic {@code servelink.team-usage-state.v1} says (the highest
 * {@code version} per team; a tombstone removes the team), and from them the one question the request path asks:
 * does this team's state stop its traffic now? The answer is a lookup in an immutable set of the teams whose state
 * {@link TeamUsageState#blocksTrafficIn blocks traffic in} the current UTC month, swapped whenever a state arrives
 * or the month ends: a state of an earlier month blocks nothing, so a new month resumes service by itself.
 */
@Component
public class TeamUsageStates implements CompactedTopicFollower.Sink<TeamUsageState> {

    private final Clock clock;
    private volatile Map<String, TeamUsageState> states = Map.of(); // written under this lock
    private volatile Blocked blocked;
    private volatile boolean caughtUp;

    TeamUsageStates(Clock clock, LimitsSettings settings) {
        this.clock = clock;
        this.blocked = Blocked.of(Map.of(), clock.millis());
        this.caughtUp = !settings.enabled(); // nothing to read
    }

    /** Whether the team's projects are not served now. No allocation, no lock: called for every project request. */
    public boolean blocksTraffic(String teamSlug) {
        Blocked current = blocked;
        long now = clock.millis();
        if (now < current.from() || now >= current.until()) {
            current = monthChanged(now);
        }
        return teamSlug != null && current.teams().contains(teamSlug);
    }

    @Override
    public synchronized void apply(List<CompactedTopicFollower.Keyed<TeamUsageState>> records) {
        Map<String, TeamUsageState> next = new HashMap<>(states);
        for (CompactedTopicFollower.Keyed<TeamUsageState> record : records) {
            TeamUsageState state = record.value();
            TeamUsageState known = next.get(record.key());
            if (state == null) {
                next.remove(record.key());
            } else if (known == null || state.version() > known.version()) {
                next.put(record.key(), state);
            }
        }
        states = Map.copyOf(next);
        blocked = Blocked.of(states, clock.millis());
    }

    private synchronized Blocked monthChanged(long now) {
        Blocked current = blocked;
        if (now < current.from() || now >= current.until()) {
            current = Blocked.of(states, now);
            blocked = current;
        }
        return current;
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

    int blockedCount() {
        return blocked.teams().size();
    }

    /** The teams stopped in one month, valid from its first millisecond until the next month's. */
    private record Blocked(Set<String> teams, long from, long until) {

        static Blocked of(Map<String, TeamUsageState> states, long now) {
            YearMonth month = YearMonth.from(Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC));
            Set<String> teams = states.entrySet().stream().filter(entry -> entry.getValue().blocksTrafficIn(month))
                    .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
            return new Blocked(teams, month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                    month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli());
        }
    }
}
