package io.servelink.support.ticket;

import io.servelink.support.ticket.TicketViews.TicketSummary;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * PostgreSQL full-text search over tickets, ranked by {@code ts_rank}. Customers search {@code search_vector}
 * (subject, description, non-internal messages) within their team; agents search {@code agent_search_vector}
 * (which adds internal notes) across teams.
 */
@Component
public class TicketSearch {

    /** A hit: the ticket and its rank. */
    public record Hit(TicketSummary ticket, double rank) {
    }

    private final DatabaseClient db;

    TicketSearch(DatabaseClient db) {
        this.db = db;
    }

    public Flux<Hit> search(String query, String team, TicketFilter filter, boolean agent, int limit) {
        String vector = agent ? "t.agent_search_vector" : "t.search_vector";
        TicketRepository.Where where = TicketRepository.Where.of(team, filter).add(vector + " @@ q", Map.of());
        return where.bindTo(db.sql("SELECT " + TicketRepository.COLUMNS + ", ts_rank(" + vector + ", q)::float8 AS rank "
                        + "FROM tickets t CROSS JOIN websearch_to_tsquery('english', :query) q" + where.sql()
                        + " ORDER BY rank DESC, t.created_at DESC LIMIT :limit"))
                .bind("query", query)
                .bind("limit", limit)
                .map(row -> new Hit(TicketSummary.of(TicketRepository.ticket(row)), row.get("rank", Double.class)))
                .all();
    }
}
