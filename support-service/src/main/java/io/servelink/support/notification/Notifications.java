package io.servelink.support.notification;

import io.servelink.support.teams.TeamDirectory;
import java.util.List;
import java.util.Locale;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Queues e-mails in the {@code notifications} mail outbox. Call it inside the transaction of the change (or of the
 * consumed event id) that causes the e-mail: the unique {@code dedup_key} (what happened + recipient) makes a
 * second enqueue of the same e-mail a no-op, so redelivered events and repeated jobs send nothing twice.
 */
@Component
public class Notifications {

    /** Someone a team-wide e-mail goes to, and the language it is written in. */
    public record Recipient(String email, Locale language) {
    }

    private final DatabaseClient db;
    private final NotificationSettings properties;
    private final TeamDirectory teams;

    Notifications(DatabaseClient db, NotificationSettings properties, TeamDirectory teams) {
        this.db = db;
        this.properties = properties;
        this.teams = teams;
    }

    /** Emits true when the e-mail was queued, false when one with the same key exists already. */
    public Mono<Boolean> enqueue(String dedupKey, String recipient, String subject, String body) {
        return db.sql("INSERT INTO notifications (dedup_key, recipient, subject, body) VALUES (:key, :recipient, :subject, :body) "
                        + "ON CONFLICT (dedup_key) DO NOTHING")
                .bind("key", dedupKey)
                .bind("recipient", recipient)
                .bind("subject", subject.length() > 300 ? subject.substring(0, 300) : subject)
                .bind("body", body)
                .fetch().rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** Remembers an address seen in a team member's token as a contact of the team. */
    public Mono<Void> rememberContact(String teamSlug, String email) {
        if (email == null || email.isBlank()) {
            return Mono.empty();
        }
        return db.sql("INSERT INTO team_contacts (team_slug, email) VALUES (:team, :email) "
                        + "ON CONFLICT (team_slug, email) DO UPDATE SET last_seen_at = now()")
                .bind("team", teamSlug)
                .bind("email", email.strip().toLowerCase(Locale.ROOT))
                .then();
    }

    /**
     * Who receives a team's usage alerts and payment e-mails: the owners and admins of a team the platform published
     * (servelink.teams.v1), each in their language, or the fallback address when it has none. For a team the platform
     * has not published: the contacts learned from its tickets, or the fallback address when none is known (English).
     */
    public Flux<Recipient> recipientsOf(String teamSlug) {
        return teams.billingManagersOf(teamSlug)
                .map(managers -> managers.isEmpty() ? List.of(fallback())
                        : managers.stream().map(manager -> new Recipient(manager.email(), Locale.forLanguageTag(manager.language()))).toList())
                .flatMapMany(Flux::fromIterable)
                .switchIfEmpty(learnedContactsOf(teamSlug));
    }

    private Flux<Recipient> learnedContactsOf(String teamSlug) {
        return db.sql("SELECT email FROM team_contacts WHERE team_slug = :team ORDER BY email")
                .bind("team", teamSlug)
                .map(row -> new Recipient(row.get("email", String.class), Locale.ENGLISH))
                .all()
                .switchIfEmpty(Flux.just(fallback()));
    }

    private Recipient fallback() {
        return new Recipient(properties.fallbackAddress(), Locale.ENGLISH);
    }

    /** A person's address, or the fallback address when the token carried none. */
    public String addressOr(String email) {
        return email == null || email.isBlank() ? properties.fallbackAddress() : email;
    }

    public String supportAddress() {
        return properties.supportAddress();
    }
}
