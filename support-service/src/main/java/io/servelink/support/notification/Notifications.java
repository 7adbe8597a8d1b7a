package io.servelink.support.notification;

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

    private final DatabaseClient db;
    private final NotificationSettings properties;

    Notifications(DatabaseClient db, NotificationSettings properties) {
        this.db = db;
        this.properties = properties;
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
                .bind("email", email.strip().toLowerCase(java.util.Locale.ROOT))
                .then();
    }

    /** The team's known contacts, or the fallback address when none is known. */
    public Flux<String> recipientsOf(String teamSlug) {
        return db.sql("SELECT email FROM team_contacts WHERE team_slug = :team ORDER BY email")
                .bind("team", teamSlug)
                .map(row -> row.get("email", String.class))
                .all()
                .switchIfEmpty(Flux.just(properties.fallbackAddress()));
    }

    /** A person's address, or the fallback address when the token carried none. */
    public String addressOr(String email) {
        return email == null || email.isBlank() ? properties.fallbackAddress() : email;
    }

    public String supportAddress() {
        return properties.supportAddress();
    }
}
