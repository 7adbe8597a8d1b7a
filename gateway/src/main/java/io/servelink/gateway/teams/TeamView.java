package io.servelink.gateway.teams;

import io.servelink.contracts.events.teams.TeamChanged;
import java.util.List;

/** A team as the operator API shows it. */
record TeamView(String teamSlug, String name, List<MemberView> members, long version) {

    record MemberView(String email, String role, String language) {
    }

    static TeamView of(TeamChanged team) {
        return new TeamView(team.teamSlug(), team.name(), team.members().stream()
                .map(member -> new MemberView(member.email(), member.role().wire(), member.language())).toList(), team.version());
    }
}
