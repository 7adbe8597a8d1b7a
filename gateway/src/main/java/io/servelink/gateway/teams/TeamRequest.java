package io.servelink.gateway.teams;

import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.contracts.events.teams.TeamMember;
import io.servelink.contracts.security.TeamRole;
import io.servelink.starter.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Body of {@code PUT /api/admin/teams/{team_slug}}: the team's name and every member, each with the e-mail address
 * notifications go to, the role and the language of those e-mails. Bean Validation checks each field;
 * {@link #toTeam} lower-cases the addresses and refuses an address listed twice.
 */
record TeamRequest(@NotBlank(message = "is required") @Size(max = 100) String name,
                   @NotNull(message = "is required") @Size(max = TeamRequest.MAX_MEMBERS)
                   List<@Valid @NotNull(message = "is required") Member> members) {

    /** Most members one team may list. */
    static final int MAX_MEMBERS = 200;

    /**
     * A member.
     *
     * @param language {@code en} (the default) or {@code fr}
     */
    record Member(@NotBlank(message = "is required") @Email(message = "must be an e-mail address") @Size(max = 254) String email,
                  @NotBlank(message = "is required") @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member")
                  String role,
                  @Pattern(regexp = "en|fr", message = "must be en or fr") String language) {
    }

    /** The team this valid request describes, at {@code version}. */
    TeamChanged toTeam(String teamSlug, long version) {
        List<TeamMember> valid = new ArrayList<>(members.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            String email = member.email().strip().toLowerCase(Locale.ROOT);
            if (!seen.add(email)) {
                throw ApiProblem.invalid("members[" + i + "].email", "is listed twice");
            }
            TeamRole role = TeamRole.fromWire(member.role()).orElseThrow();
            valid.add(new TeamMember(email, role, member.language() == null ? "en" : member.language()));
        }
        return new TeamChanged(teamSlug, name.strip(), valid, version);
    }
}
