package io.servelink.support.ticket;

import io.servelink.contracts.validation.Slug;
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
 * Live updates of one ticket as server-sent events: {@code snapshot} (the ticket's status on connect), then
 * {@code message} and {@code status} (and {@code sla_breach}) as they happen, and a keep-alive comment every 15 s.
 * A customer's stream never carries internal notes; an agent's does.
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
        // subscribe to the hub first, so nothing published after the snapshot is read can be missed
        Flux<ServerSentEvent<Object>> updates = hub.updates(ticket.id(), agent)
                .map(update -> ServerSentEvent.builder(update.data()).event(update.event()).build());
        Mono<ServerSentEvent<Object>> snapshot = Mono.just(
                ServerSentEvent.<Object>builder(TicketViews.StatusView.of(ticket)).event("snapshot").build());
        Flux<ServerSentEvent<Object>> keepAlive = Flux.interval(KEEP_ALIVE)
                .map(tick -> ServerSentEvent.builder().comment("keep-alive").build());
        return Flux.merge(updates, snapshot, keepAlive);
    }
}
