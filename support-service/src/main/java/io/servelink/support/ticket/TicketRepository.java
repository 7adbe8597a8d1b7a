package io.servelink.support.ticket;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tickets and messages in PostgreSQL, by explicit SQL. */
@Repository
public class TicketRepository {

    public static final String COLUMNS = "t.id, t.team_slug, t.subject, t.description, t.category, t.priority, t.status, "
            + "t.plan, t.created_by, t.created_by_email, t.assignee, t.created_at, t.updated_at, t.first_response_at, "
            + "t.resolved_at, t.closed_at, t.first_response_due_at, t.resolution_due_at, t.first_response_breached_at, "
            + "t.resolution_breached_at";

    private final DatabaseClient db;

    TicketRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> insert(Ticket t) {
        return db.sql("INSERT INTO tickets (id, team_slug, subject, description, category, priority, status, plan, created_by, "
                        + "created_by_email, assignee, created_at, updated_at, first_response_due_at, resolution_due_at) "
                        + "VALUES (:id, :team, :subject, :description, :category, :priority, :status, :plan, :createdBy, "
                        + ":email, :assignee, :createdAt, :updatedAt, :frDue, :resDue)")
                .bind("id", t.id()).bind("team", t.teamSlug()).bind("subject", t.subject())
                .bind("description", t.description()).bind("category", t.category().wire())
                .bind("priority", t.priority().wire()).bind("status", t.status().wire()).bind("plan", t.plan())
                .bind("createdBy", t.createdBy()).bind("email", Parameter.fromOrEmpty(t.createdByEmail(), String.class))
                .bind("assignee", Parameter.fromOrEmpty(t.assignee(), String.class))
                .bind("createdAt", t.createdAt()).bind("updatedAt", t.updatedAt())
                .bind("frDue", t.firstResponseDueAt()).bind("resDue", t.resolutionDueAt())
                .then();
    }

    /** Writes the mutable fields back. */
    Mono<Void> update(Ticket t) {
        return db.sql("UPDATE tickets SET priority = :priority, status = :status, assignee = :assignee, updated_at = :updatedAt, "
                        + "first_response_at = :firstResponse, resolved_at = :resolved, closed_at = :closed, "
                        + "first_response_due_at = :frDue, resolution_due_at = :resDue WHERE id = :id")
                .bind("priority", t.priority().wire()).bind("status", t.status().wire())
                .bind("assignee", Parameter.fromOrEmpty(t.assignee(), String.class))
                .bind("updatedAt", t.updatedAt())
                .bind("firstResponse", Parameter.fromOrEmpty(t.firstResponseAt(), Instant.class))
                .bind("resolved", Parameter.fromOrEmpty(t.resolvedAt(), Instant.class))
                .bind("closed", Parameter.fromOrEmpty(t.closedAt(), Instant.class))
                .bind("frDue", t.firstResponseDueAt()).bind("resDue", t.resolutionDueAt())
                .bind("id", t.id())
                .then();
    }

    Mono<Ticket> findById(UUID id, boolean forUpdate) {
        return db.sql("SELECT " + COLUMNS + " FROM tickets t WHERE t.id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .bind("id", id).map(TicketRepository::ticket).one();
    }

    Flux<Ticket> list(String team, TicketFilter filter, int page, int size) {
        Where where = Where.of(team, filter);
        return where.bindTo(db.sql("SELECT " + COLUMNS + " FROM tickets t" + where.sql()
                        + " ORDER BY t.created_at DESC, t.id LIMIT :limit OFFSET :offset"))
                .bind("limit", size).bind("offset", (long) page * size)
                .map(TicketRepository::ticket).all();
    }

    Mono<Long> count(String team, TicketFilter filter) {
        Where where = Where.of(team, filter);
        return where.bindTo(db.sql("SELECT count(*) AS n FROM tickets t" + where.sql()))
                .map(row -> row.get("n", Long.class)).one();
    }

    /**
     * The agents' queue across teams: unfinished tickets (unless a status is asked for) ordered by the nearest SLA due
     * time (the first-response due time while nobody has answered, then the resolution due time).
     */
    Flux<Ticket> queue(String team, TicketFilter filter, String assignee, boolean unassigned, int page, int size) {
        Where where = Where.of(team, filter);
        if (filter.status() == null) {
            where.add("t.status NOT IN ('resolved', 'closed')", Map.of());
        }
        if (assignee != null) {
            where.add("t.assignee = :assignee", Map.of("assignee", assignee));
        }
        if (unassigned) {
            where.add("t.assignee IS NULL", Map.of());
        }
        return where.bindTo(db.sql("SELECT " + COLUMNS + " FROM tickets t" + where.sql()
                        + " ORDER BY LEAST(CASE WHEN t.first_response_at IS NULL THEN t.first_response_due_at END, "
                        + "t.resolution_due_at), t.created_at, t.id LIMIT :limit OFFSET :offset"))
                .bind("limit", size).bind("offset", (long) page * size)
                .map(TicketRepository::ticket).all();
    }

    private static final String MESSAGE_COLUMNS = "id, ticket_id, author, author_kind, body, is_internal, automatic, created_at";

    Flux<TicketMessage> messages(UUID ticketId, boolean includeInternal) {
        return db.sql("SELECT " + MESSAGE_COLUMNS + " FROM ticket_messages "
                        + "WHERE ticket_id = :id" + (includeInternal ? "" : " AND NOT is_internal") + " ORDER BY created_at, id")
                .bind("id", ticketId)
                .map(TicketRepository::messageRow)
                .all();
    }

    Mono<TicketMessage> message(UUID id) {
        return db.sql("SELECT " + MESSAGE_COLUMNS + " FROM ticket_messages WHERE id = :id").bind("id", id)
                .map(TicketRepository::messageRow)
                .one();
    }

    private static TicketMessage messageRow(Readable row) {
        return new TicketMessage(row.get("id", UUID.class), row.get("ticket_id", UUID.class),
                row.get("author", String.class), AuthorKind.fromWire(row.get("author_kind", String.class)).orElseThrow(),
                row.get("body", String.class), Boolean.TRUE.equals(row.get("is_internal", Boolean.class)),
                Boolean.TRUE.equals(row.get("automatic", Boolean.class)), row.get("created_at", Instant.class));
    }

    Mono<Void> insertMessage(TicketMessage m) {
        return db.sql("INSERT INTO ticket_messages (id, ticket_id, author, author_kind, body, is_internal, automatic, created_at) "
                        + "VALUES (:id, :ticket, :author, :kind, :body, :internal, :automatic, :createdAt)")
                .bind("id", m.id()).bind("ticket", m.ticketId()).bind("author", m.author())
                .bind("kind", m.authorKind().wire()).bind("body", m.body()).bind("internal", m.isInternal())
                .bind("automatic", m.automatic()).bind("createdAt", m.createdAt())
                .then();
    }

    /** Maps a row selected with {@link #COLUMNS}. */
    public static Ticket ticket(Readable row) {
        return new Ticket(row.get("id", UUID.class), row.get("team_slug", String.class), row.get("subject", String.class),
                row.get("description", String.class), Category.fromWire(row.get("category", String.class)).orElseThrow(),
                Priority.fromWire(row.get("priority", String.class)).orElseThrow(), TicketStatus.fromWire(row.get("status", String.class)).orElseThrow(),
                row.get("plan", String.class), row.get("created_by", String.class), row.get("created_by_email", String.class),
                row.get("assignee", String.class), row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
                row.get("first_response_at", Instant.class), row.get("resolved_at", Instant.class),
                row.get("closed_at", Instant.class), row.get("first_response_due_at", Instant.class),
                row.get("resolution_due_at", Instant.class), row.get("first_response_breached_at", Instant.class),
                row.get("resolution_breached_at", Instant.class));
    }

    /** A WHERE clause built from optional filters, with its bind values. */
    public static final class Where {
        private final StringBuilder sql = new StringBuilder();
        private final Map<String, Object> values = new LinkedHashMap<>();

        public static Where of(String team, TicketFilter filter) {
            Where where = new Where();
            if (team != null) {
                where.add("t.team_slug = :team", Map.of("team", team));
            }
            if (filter.status() != null) {
                where.add("t.status = :status", Map.of("status", filter.status().wire()));
            }
            if (filter.priority() != null) {
                where.add("t.priority = :priority", Map.of("priority", filter.priority().wire()));
            }
            if (filter.category() != null) {
                where.add("t.category = :category", Map.of("category", filter.category().wire()));
            }
            return where;
        }

        public Where add(String condition, Map<String, Object> binds) {
            sql.append(sql.isEmpty() ? " WHERE " : " AND ").append(condition);
            values.putAll(binds);
            return this;
        }

        public String sql() {
            return sql.toString();
        }

        public DatabaseClient.GenericExecuteSpec bindTo(DatabaseClient.GenericExecuteSpec spec) {
            DatabaseClient.GenericExecuteSpec bound = spec;
            for (Map.Entry<String, Object> entry : values.entrySet()) {
                bound = bound.bind(entry.getKey(), entry.getValue());
            }
            return bound;
        }
    }

}
