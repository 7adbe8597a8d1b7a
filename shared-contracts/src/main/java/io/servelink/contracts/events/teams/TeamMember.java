package io.servelink.contracts.events.teams;

import io.servelink.contracts.security.TeamRole;
import java.util.Objects;

/**
 * A member of a team.
 *
 * @param language the member's language for e-mails, a BCP 47 tag ({@code en}, {@code fr})
 */
public record TeamMember(String email, TeamRole role, String language) {

    public TeamMember {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
        language = language == null || language.isBlank() ? "en" : language;
    }
}
