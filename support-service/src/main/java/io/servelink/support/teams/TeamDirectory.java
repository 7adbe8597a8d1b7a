package io.servelink.support.teams;

import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.contracts.events.teams.TeamMember;
import io.servelink.contracts.security.TeamRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The teams the platform published on {@code servelink.teams.v1}, with their members' e-mail address, role and
 * language: the newest version of each team wins, a tombstone removes it.
 */
@Component
public class TeamDirectory {

    private final DatabaseClient db;

    TeamDirectory(DatabaseClient db) {
        this.db = db;
    }

    /**
     * The owners and admins of a team the platform published (an empty list when it has none), ordered by address;
     * empty when the platform has not published the team, or removed it.
     */
    public Mono<List<TeamMember>> billingManagersOf(String teamSlug) {
        return db.sql("SELECT m.email, m.role, m.language FROM teams t "
                        + "LEFT JOIN team_members m ON m.team_slug = t.team_slug AND m.role IN ('owner', 'admin') "
                        + "WHERE t.team_slug = :team AND t.removed_at IS NULL ORDER BY m.email")
                .bind("team", teamSlug)
                .map(row -> Optional.ofNullable(row.get("email", String.class)).map(email -> new TeamMember(email,
                        TeamRole.fromWire(row.get("role", String.class)).orElseThrow(), row.get("language", String.class))))
                .all()
                .collectList()
                // no row: no such team; one row without a member: a team without owners and admins
                .filter(rows -> !rows.isEmpty())
                .map(rows -> rows.stream().flatMap(Optional::stream).toList());
    }

    /**
     * Stores a team's version unless the same or a newer one is stored: its members replace the previous ones.
     * Idempotent under redelivery. Emits whether it changed anything.
     */
    Mono<Boolean> apply(TeamChanged team) {
        return db.sql("INSERT INTO teams (team_slug, name, version, removed_at, updated_at) VALUES (:team, :name, :version, NULL, now()) "
                        + "ON CONFLICT (team_slug) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version, removed_at = NULL, "
                        + "updated_at = now() WHERE teams.version < EXCLUDED.version")
                .bind("team", team.teamSlug())
                .bind("name", team.name() == null ? team.teamSlug() : team.name())
                .bind("version", team.version())
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 1 ? replaceMembers(team).thenReturn(true) : Mono.just(false));
    }

    /** A tombstone: the team is removed with its members; its version stays, so an older record cannot restore it. */
    Mono<Boolean> remove(String teamSlug) {
        return db.sql("DELETE FROM team_members WHERE team_slug = :team").bind("team", teamSlug).fetch().rowsUpdated()
                .then(db.sql("UPDATE teams SET removed_at = now(), updated_at = now() WHERE team_slug = :team AND removed_at IS NULL")
                        .bind("team", teamSlug).fetch().rowsUpdated())
                .map(rows -> rows == 1);
    }

    private Mono<Void> replaceMembers(TeamChanged team) {
        return db.sql("DELETE FROM team_members WHERE team_slug = :team").bind("team", team.teamSlug()).fetch().rowsUpdated()
                .thenMany(Flux.fromIterable(byAddress(team.members()).entrySet()))
                .concatMap(member -> db.sql("INSERT INTO team_members (team_slug, email, role, language) "
                                + "VALUES (:team, :email, :role, :language)")
                        .bind("team", team.teamSlug())
                        .bind("email", member.getKey())
                        .bind("role", member.getValue().role().wire())
                        .bind("language", member.getValue().language())
                        .fetch().rowsUpdated())
                .then();
    }

    /** Members by lower-case address; an address listed twice counts once, with its first role and language. */
    private static Map<String, TeamMember> byAddress(List<TeamMember> members) {
        Map<String, TeamMember> byAddress = new LinkedHashMap<>();
        members.forEach(member -> byAddress.putIfAbsent(member.email().strip().toLowerCase(Locale.ROOT), member));
        return byAddress;
    }
}
