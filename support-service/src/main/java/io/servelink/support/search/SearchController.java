package io.servelink.support.search;

import io.servelink.contracts.validation.Slug;
import io.servelink.support.ticket.Category;
import io.servelink.support.ticket.Priority;
import io.servelink.support.ticket.SupportAccess;
import io.servelink.support.ticket.TicketFilter;
import io.servelink.support.ticket.TicketSearch;
import io.servelink.support.ticket.TicketStatus;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Ticket search: a team's tickets for its members, all tickets (with internal notes) for agents. */
@RestController
class SearchController {

    record SearchResults(String query, List<TicketSearch.Hit> items) {
    }

    private final TicketSearch search;
    private final SupportAccess access;

    SearchController(TicketSearch search, SupportAccess access) {
        this.search = search;
        this.access = access;
    }

    @GetMapping("/api/support/{team_slug}/tickets/search")
    Mono<SearchResults> team(@PathVariable("team_slug") @Slug String team,
                             @RequestParam("q") @NotBlank @Size(max = 500) String q,
                             @RequestParam(name = "status", required = false) TicketStatus status,
                             @RequestParam(name = "priority", required = false) Priority priority,
                             @RequestParam(name = "category", required = false) Category category,
                             @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit) {
        // a customer's search never looks at internal notes, even for a caller who is also an agent on this path
        return access.member(team)
                .thenMany(search.search(q, team, new TicketFilter(status, priority, category), false, limit))
                .collectList().map(hits -> new SearchResults(q, hits));
    }

    @GetMapping("/api/support/agent/tickets/search")
    Mono<SearchResults> agent(@RequestParam("q") @NotBlank @Size(max = 500) String q,
                              @RequestParam(name = "team", required = false) @Slug @Size(max = 63) String team,
                              @RequestParam(name = "status", required = false) TicketStatus status,
                              @RequestParam(name = "priority", required = false) Priority priority,
                              @RequestParam(name = "category", required = false) Category category,
                              @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit) {
        return access.agent()
                .thenMany(search.search(q, team, new TicketFilter(status, priority, category), true, limit))
                .collectList().map(hits -> new SearchResults(q, hits));
    }
}
