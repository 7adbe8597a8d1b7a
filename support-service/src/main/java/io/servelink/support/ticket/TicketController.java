package io.servelink.support.ticket;

import io.servelink.starter.openapi.ConflictResponse;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import io.servelink.support.ticket.TicketRequests.CreateTicket;
import io.servelink.support.ticket.TicketRequests.PostMessage;
import io.servelink.support.ticket.TicketViews.MessageView;
import io.servelink.support.ticket.TicketViews.Page;
import io.servelink.support.ticket.TicketViews.TicketDetails;
import io.servelink.support.ticket.TicketViews.TicketSummary;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A team's tickets: members create, list, read and reply; agents may use the same paths (and see internal notes). */
@RestController
@RequestMapping("/api/support/{team_slug}/tickets")
class TicketController {

    private final TicketService service;
    private final SupportAccess access;

    TicketController(TicketService service, SupportAccess access) {
        this.service = service;
        this.access = access;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Mono<TicketDetails> create(@PathVariable("team_slug") @Slug String team, @Valid @RequestBody Mono<CreateTicket> body) {
        return access.member(team).flatMap(creator -> body.flatMap(request -> service.create(team, request, creator)));
    }

    @GetMapping
    Mono<Page<TicketSummary>> list(@PathVariable("team_slug") @Slug String team,
                                   @RequestParam(name = "status", required = false) TicketStatus status,
                                   @RequestParam(name = "priority", required = false) Priority priority,
                                   @RequestParam(name = "category", required = false) Category category,
                                   @RequestParam(name = "page", defaultValue = "0") @Min(0) @Max(100_000) int page,
                                   @RequestParam(name = "size", defaultValue = "20") @Min(1) @Max(100) int size) {
        return access.onTeam(team).then(service.list(team, new TicketFilter(status, priority, category), page, size));
    }

    @GetMapping("/{ticket_id}")
    Mono<TicketDetails> get(@PathVariable("team_slug") @Slug String team, @PathVariable("ticket_id") UUID id) {
        return access.onTeam(team).flatMap(caller -> service.details(id, team, caller.agent()));
    }

    @ConflictResponse("The ticket is closed and takes no replies")
    @PostMapping("/{ticket_id}/messages")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<MessageView> post(@PathVariable("team_slug") @Slug String team, @PathVariable("ticket_id") UUID id,
                           @Valid @RequestBody Mono<PostMessage> body, ServerHttpRequest http) {
        // the body is read (and validated) only once the caller may post on this team's ticket: another team's id is a 404
        return access.onTeam(team).flatMap(caller -> service.find(id, team).then(body)
                .flatMap(request -> service.postMessage(team, id, request, caller, RequestOrigin.of(http))));
    }
}
