package io.servelink.support.agent;

import io.servelink.starter.openapi.ConflictResponse;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import io.servelink.support.kb.KnowledgeBase;
import io.servelink.support.ticket.Category;
import io.servelink.support.ticket.Priority;
import io.servelink.support.ticket.SupportAccess;
import io.servelink.support.ticket.TicketFilter;
import io.servelink.support.ticket.TicketRequests;
import io.servelink.support.ticket.TicketService;
import io.servelink.support.ticket.TicketStatus;
import io.servelink.support.ticket.TicketViews.Page;
import io.servelink.support.ticket.TicketViews.TicketDetails;
import io.servelink.support.ticket.TicketViews.TicketSummary;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
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

/**
 * The support agents' side: a queue across teams by SLA due time, any ticket with internal notes, assignment, status,
 * priority. Changes are audited with the agent and the client address.
 */
@RestController
@RequestMapping("/api/support/agent")
class AgentController {

    private final TicketService service;
    private final SupportAccess access;

    AgentController(TicketService service, SupportAccess access) {
        this.service = service;
        this.access = access;
    }

    @GetMapping("/queue")
    Mono<Page<TicketSummary>> queue(@RequestParam(name = "team", required = false) @Slug @Size(max = 63) String team,
                                    @RequestParam(name = "status", required = false) TicketStatus status,
                                    @RequestParam(name = "priority", required = false) Priority priority,
                                    @RequestParam(name = "category", required = false) Category category,
                                    @RequestParam(name = "assignee", required = false) @Size(max = 200) String assignee,
                                    @RequestParam(name = "unassigned", defaultValue = "false") boolean unassigned,
                                    @RequestParam(name = "page", defaultValue = "0") @Min(0) @Max(100_000) int page,
                                    @RequestParam(name = "size", defaultValue = "50") @Min(1) @Max(200) int size) {
        return access.agent().then(service.queue(team, new TicketFilter(status, priority, category), assignee, unassigned,
                page, size));
    }

    @GetMapping("/tickets/{ticket_id}")
    Mono<TicketDetails> ticket(@PathVariable("ticket_id") UUID id) {
        return access.agent().then(service.details(id, null, true));
    }

    @PostMapping("/tickets/{ticket_id}/assign")
    Mono<TicketSummary> assign(@PathVariable("ticket_id") UUID id, @Valid @RequestBody Mono<TicketRequests.Assign> body,
                               ServerHttpRequest http) {
        return access.agent().flatMap(agent -> body.flatMap(request -> service.assign(id,
                request.assignee() == null || request.assignee().isBlank() ? agent.subject() : request.assignee().strip(),
                actor(agent, http))));
    }

    @ConflictResponse("The ticket cannot move to that status from its current one")
    @PostMapping("/tickets/{ticket_id}/status")
    Mono<TicketSummary> status(@PathVariable("ticket_id") UUID id, @Valid @RequestBody Mono<TicketRequests.ChangeStatus> body,
                               ServerHttpRequest http) {
        return access.agent().flatMap(agent -> body.flatMap(request -> service.changeStatus(id, request.status(), actor(agent, http))));
    }

    @PostMapping("/tickets/{ticket_id}/priority")
    Mono<TicketSummary> priority(@PathVariable("ticket_id") UUID id, @Valid @RequestBody Mono<TicketRequests.ChangePriority> body,
                                 ServerHttpRequest http) {
        return access.agent().flatMap(agent -> body.flatMap(request -> service.changePriority(id, request.priority(),
                actor(agent, http))));
    }

    @ConflictResponse("Only a resolved or closed ticket becomes an article")
    @PostMapping("/tickets/{ticket_id}/article-draft")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<KnowledgeBase.Article> articleDraft(@PathVariable("ticket_id") UUID id, ServerHttpRequest http) {
        return access.agent().flatMap(agent -> service.draftArticle(id, actor(agent, http)));
    }

    private static TicketService.Actor actor(SupportAccess.Caller agent, ServerHttpRequest http) {
        return new TicketService.Actor(agent.subject(), RequestOrigin.of(http));
    }
}
