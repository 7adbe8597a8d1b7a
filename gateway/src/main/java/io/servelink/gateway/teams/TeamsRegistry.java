package io.servelink.gateway.teams;

import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.gateway.topics.CompactedTopicFollower;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The teams as the compacted teams topic says, for the operator API's reads: an immutable snapshot swapped on every
 * change. Only the topic follower writes. A record carrying a lower version than the one held is ignored, as every
 * consumer of the topic does.
 */
@Component
class TeamsRegistry implements CompactedTopicFollower.Sink<TeamChanged> {

    private volatile Map<String, TeamChanged> bySlug = Map.of();
    private volatile boolean caughtUp;

    Optional<TeamChanged> bySlug(String teamSlug) {
        return Optional.ofNullable(bySlug.get(teamSlug));
    }

    List<TeamChanged> all() {
        return bySlug.values().stream().sorted(Comparator.comparing(TeamChanged::teamSlug)).toList();
    }

    @Override
    public void apply(List<CompactedTopicFollower.Keyed<TeamChanged>> changes) {
        Map<String, TeamChanged> next = new HashMap<>(bySlug);
        for (CompactedTopicFollower.Keyed<TeamChanged> change : changes) {
            TeamChanged team = change.value();
            if (team == null) {
                next.remove(change.key());
            } else if (!next.containsKey(change.key()) || next.get(change.key()).version() < team.version()) {
                next.put(change.key(), team);
            }
        }
        bySlug = Map.copyOf(next);
    }

    @Override
    public void markCaughtUp() {
        caughtUp = true;
    }

    @Override
    public boolean isCaughtUp() {
        return caughtUp;
    }
}
