package io.servelink.contracts.events.teams;

import io.servelink.contracts.events.Event;
import java.util.List;
import java.util.Objects;

/**
 * A team and its members as the platform knows them, on the compacted topic {@code servelink.teams.v1} keyed by team
 * slug (published through the gateway's operator API). A tombstone removes the team. Consumers keep the highest
 * {@code version}.
 */
@Event.Version(1)
public record TeamChanged(String teamSlug, String name, List<TeamMember> members, long version) implements Event {

    public TeamChanged {
        Objects.requireNonNull(teamSlug, "teamSlug");
        members = members == null ? List.of() : List.copyOf(members);
    }
}
