package io.servelink.support.ticket;

import io.servelink.contracts.validation.Slug;
import io.servelink.support.live.TicketChange;
import io.servelink.support.live.TicketEventHub;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Live updates of one ticket as server-sent events: {@code snapshot} (the ticket's status on connect, and again when
 * this replica may have missed changes), then {@code message} and {@code status} (and {@code sla_breach}) as they
 * happen on any replica, and a keep-alive comment every 15 s. Each change is refetched for the caller: a customer's
 * stream never carries internal notes; an agent's does.
 */
@RestController
class TicketStreamController {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final TicketService service;
    private final SupportAccess access;
    private final TicketEventHub hub;

    TicketStreamController(TicketService service, SupportAccess access, TicketEventHub hub) {
        this.service = service;
        this.access = access;
        this.hub = hub;
    }

    @GetMapping(path = "/api/support/{team_slug}/tickets/{ticket_id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Object>> stream(@PathVariable("team_slug") @Slug String team, @PathVariable("ticket_id") UUID id) {
        return access.onTeam(team).flatMapMany(caller -> service.find(id, team).flatMapMany(ticket -> events(ticket, caller.agent())));
    }

    private Flux<ServerSentEvent<Object>> events(Ticket ticket, boolean agent) {
        // subscribe to the hub first, so nothing committed after the snapshot is read can be missed
        Flux<ServerSentEvent<Object>> updates = hub.changes(ticket.id(), agent)
                .concatMap(change -> refetch(ticket.id(), change, agent));
        Mono<ServerSentEvent<Object>> snapshot = Mono.just(snapshot(ticket));
        Flux<ServerSentEvent<Object>> keepAlive = Flux.interval(KEEP_ALIVE)
                .map(tick -> ServerSentEvent.builder().comment("keep-alive").build());
        return Flux.merge(updates, snapshot, keepAlive);
    }

    /** What the caller sees of a change, read now; nothing when it is gone or not for this caller. */
    private Mono<ServerSentEvent<Object>> refetch(UUID ticketId, TicketChange change, boolean agent) {
        if (change.isResync()) {
            return service.find(ticketId, null).map(TicketStreamController::snapshot);
        }
        Mono<?> data = switch (change.event()) {
            case "message" -> service.message(change.ticketId(), UUID.fromString(change.ref()))
                    .filter(message -> agent || !message.isInternal());
            case "status" -> service.find(change.ticketId(), null).map(TicketViews.StatusView::of);
            case "sla_breach" -> service.find(change.ticketId(), null).map(t -> TicketViews.BreachView.of(t, change.ref()));
            default -> Mono.empty();
        };
        return data.map(view -> ServerSentEvent.<Object>builder(view).event(change.event()).build());
    }

    private static ServerSentEvent<Object> snapshot(Ticket ticket) {
        return ServerSentEvent.<Object>builder(TicketViews.StatusView.of(ticket)).event("snapshot").build();
    }
}
