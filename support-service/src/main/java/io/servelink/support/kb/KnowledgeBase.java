package io.servelink.support.kb;

import io.r2dbc.spi.Readable;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Knowledge-base articles: full-text search (ranked), suggestions for a ticket subject, drafts by agents. Writing,
 * publishing and drafting from a ticket are audited in the transaction of the change.
 */
@Component
public class KnowledgeBase {

    /** An article; {@code rank} is the search rank (0 outside a search). */
    public record Article(UUID id, String title, String body, String status, UUID sourceTicketId, String createdBy,
                          Instant createdAt, Instant updatedAt, double rank) {
    }

    private static final String COLUMNS = "id, title, body, status, source_ticket_id, created_by, created_at, updated_at";

    static final String CREATED = "kb_article.created";
    static final String PUBLISHED = "kb_article.published";
    static final String DRAFTED_FROM_TICKET = "kb_article.drafted_from_ticket";

    private final DatabaseClient db;
    private final AuditLog audit;
    private final TransactionalOperator transactions;

    KnowledgeBase(DatabaseClient db, AuditLog audit, TransactionalOperator transactions) {
        this.db = db;
        this.audit = audit;
        this.transactions = transactions;
    }

    /** Published articles matching all words of {@code q} (web-search syntax), best first; newest first without q. */
    Flux<Article> search(String q, boolean includeDrafts, int limit) {
        String statusFilter = includeDrafts ? "" : " AND status = 'published'";
        if (q == null || q.isBlank()) {
            return db.sql("SELECT " + COLUMNS + ", 0::float8 AS rank FROM kb_articles WHERE true" + statusFilter
                            + " ORDER BY created_at DESC, id LIMIT :limit")
                    .bind("limit", limit).map(KnowledgeBase::article).all();
        }
        return db.sql("SELECT " + COLUMNS + ", ts_rank(search_vector, q)::float8 AS rank "
                        + "FROM kb_articles, websearch_to_tsquery('english', :q) q WHERE search_vector @@ q" + statusFilter
                        + " ORDER BY rank DESC, created_at DESC LIMIT :limit")
                .bind("q", q).bind("limit", limit).map(KnowledgeBase::article).all();
    }

    /**
     * Published articles sharing any word with a ticket's subject, best first: the subject's words are OR-ed
     * (a whole subject rarely matches with AND), ranked by ts_rank.
     */
    public Flux<Article> suggest(String subject, int limit) {
        if (subject == null || subject.isBlank()) {
            return Flux.empty();
        }
        return db.sql("SELECT " + COLUMNS + ", ts_rank(search_vector, q)::float8 AS rank FROM kb_articles, "
                        + "(SELECT nullif(replace(plainto_tsquery('english', :subject)::text, '&', '|'), '')::tsquery AS q) s "
                        + "WHERE status = 'published' AND q IS NOT NULL AND search_vector @@ q ORDER BY rank DESC, created_at DESC LIMIT :limit")
                .bind("subject", subject).bind("limit", limit).map(KnowledgeBase::article).all();
    }

    Mono<Article> find(UUID id, boolean includeDrafts) {
        return db.sql("SELECT " + COLUMNS + ", 0::float8 AS rank FROM kb_articles WHERE id = :id"
                        + (includeDrafts ? "" : " AND status = 'published'"))
                .bind("id", id).map(KnowledgeBase::article).one();
    }

    Mono<Article> create(String title, String body, boolean publish, String createdBy, RequestOrigin origin) {
        UUID id = UUID.randomUUID();
        String status = publish ? "published" : "draft";
        return db.sql("INSERT INTO kb_articles (id, title, body, status, created_by) VALUES (:id, :title, :body, :status, :by)")
                .bind("id", id).bind("title", title).bind("body", body).bind("status", status)
                .bind("by", createdBy)
                .then()
                .then(audit.record(new AuditEntry(createdBy, CREATED, null, id.toString(), origin, Map.of("status", status))))
                .then(find(id, true))
                .as(transactions::transactional);
    }

    /** Publishes a draft (audited); an article already published is answered as it is, nothing changes. */
    Mono<Article> publish(UUID id, String agent, RequestOrigin origin) {
        return db.sql("UPDATE kb_articles SET status = 'published', updated_at = now() WHERE id = :id AND status <> 'published'")
                .bind("id", id).fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.<Void>empty()
                        : audit.record(new AuditEntry(agent, PUBLISHED, null, id.toString(), origin, Map.of())))
                .then(find(id, true))
                .as(transactions::transactional);
    }

    /** A draft made from a resolved ticket; one per ticket (a second call returns the existing draft, not audited again). */
    public Mono<Article> draftFromTicket(UUID ticketId, String title, String body, String createdBy, RequestOrigin origin) {
        UUID id = UUID.randomUUID();
        return db.sql("INSERT INTO kb_articles (id, title, body, status, source_ticket_id, created_by) "
                        + "VALUES (:id, :title, :body, 'draft', :ticket, :by) ON CONFLICT (source_ticket_id) DO NOTHING")
                .bind("id", id).bind("title", title).bind("body", body).bind("ticket", ticketId)
                .bind("by", createdBy)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.<Void>empty() : audit.record(new AuditEntry(createdBy, DRAFTED_FROM_TICKET, null,
                        id.toString(), origin, Map.of("ticket_id", ticketId.toString()))))
                .then(db.sql("SELECT " + COLUMNS + ", 0::float8 AS rank FROM kb_articles WHERE source_ticket_id = :ticket")
                        .bind("ticket", ticketId).map(KnowledgeBase::article).one())
                .as(transactions::transactional);
    }

    private static Article article(Readable row) {
        return new Article(row.get("id", UUID.class), row.get("title", String.class), row.get("body", String.class),
                row.get("status", String.class), row.get("source_ticket_id", UUID.class), row.get("created_by", String.class),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class), row.get("rank", Double.class));
    }
}
