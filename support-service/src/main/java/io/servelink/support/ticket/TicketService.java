package io.servelink.support.ticket;

import io.servelink.support.entitlements.TeamPlans;
import io.servelink.support.kb.KnowledgeBase;
import io.servelink.support.live.TicketChange;
import io.servelink.support.live.TicketEventHub;
import io.servelink.support.notification.Notifications;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.support.ticket.TicketRequests.CreateTicket;
import io.servelink.support.ticket.TicketRequests.PostMessage;
import io.servelink.support.ticket.TicketViews.MessageView;
import io.servelink.support.ticket.TicketViews.Page;
import io.servelink.support.ticket.TicketViews.StatusView;
import io.servelink.support.ticket.TicketViews.TicketDetails;
import io.servelink.support.ticket.TicketViews.TicketSummary;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Ticket use cases. Each change runs in one transaction with the e-mails it queues and, for agents' changes (status,
 * priority, assignment, internal notes), its audit row and its live-update notification (sent at commit).
 */
@Service
public class TicketService {

    static final String ASSISTANT = "help-assistant";
    static final String ASSIGNED = "ticket.assigned";
    static final String STATUS_CHANGED = "ticket.status_changed";
    static final String PRIORITY_CHANGED = "ticket.priority_changed";
    static final String INTERNAL_NOTE_ADDED = "ticket.internal_note_added";

    /** Who acts (a token's subject) and from where, for the audit trail. */
    public record Actor(String subject, RequestOrigin origin) {
    }

    private final TicketRepository tickets;
    private final TeamPlans plans;
    private final SlaPolicy sla;
    private final Notifications notifications;
    private final KnowledgeBase kb;
    private final TicketEventHub hub;
    private final AuditLog audit;
    private final TransactionalOperator transactions;
    private final Clock clock;

    TicketService(TicketRepository tickets, TeamPlans plans, SlaPolicy sla, Notifications notifications, KnowledgeBase kb,
                  TicketEventHub hub, AuditLog audit, TransactionalOperator transactions, Clock clock) {
        this.tickets = tickets;
        this.plans = plans;
        this.sla = sla;
        this.notifications = notifications;
        this.kb = kb;
        this.hub = hub;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** A new ticket from a team member: a Pro team's ticket is at least high; the help assistant may answer first. */
    Mono<TicketDetails> create(String team, CreateTicket request, ServelinkClaims creator) {
        Instant now = now();
        Mono<TicketDetails> created = plans.planOf(team)
                .map(plan -> newTicket(team, request, creator, plan, now))
                .flatMap(ticket -> tickets.insert(ticket)
                        .then(notifications.rememberContact(team, creator.email()))
                        .then(queueCreatedMail(ticket))
                        .then(assistantReply(ticket, now))
                        .then(details(ticket, false)));
        return transactions.transactional(created);
    }

    private Ticket newTicket(String team, CreateTicket request, ServelinkClaims creator, String plan, Instant now) {
        Priority requested = request.priority() == null ? Priority.NORMAL : request.priority();
        Priority priority = TeamPlans.PRO.equals(plan) ? requested.atLeast(Priority.HIGH) : requested;
        SlaPolicy.DueTimes due = sla.dueTimes(plan, priority, now);
        return new Ticket(UUID.randomUUID(), team, request.subject().strip(), request.description().strip(), request.category(),
                priority, TicketStatus.OPEN, plan, creator.subject(), creator.email(), null, now, now, null, null, null,
                due.firstResponseDueAt(), due.resolutionDueAt(), null, null);
    }

    private Mono<Void> queueCreatedMail(Ticket t) {
        String to = notifications.addressOr(t.createdByEmail());
        return notifications.enqueue("ticket-created:" + t.id() + ":" + to, to, "[Ticket " + shortId(t) + "] Received: " + t.subject(),
                "Hello,\n\nwe received your ticket \"" + t.subject() + "\" (priority " + t.priority().wire()
                        + "). We aim to answer by " + t.firstResponseDueAt() + ".\n\nServelink support").then();
    }

    /** The help assistant's automatic first reply with the best-matching articles (not an agent's first response). */
    private Mono<Void> assistantReply(Ticket t, Instant now) {
        return kb.suggest(t.subject(), 3).collectList().flatMap(articles -> {
            if (articles.isEmpty()) {
                return Mono.empty();
            }
            String body = "While an agent looks at your ticket, these articles may help:\n" + articles.stream()
                    .map(a -> "- " + a.title() + " (/api/support/kb/articles/" + a.id() + ")")
                    .collect(Collectors.joining("\n"));
            return tickets.insertMessage(new TicketMessage(UUID.randomUUID(), t.id(), ASSISTANT, AuthorKind.ASSISTANT, body,
                    false, true, now.plusMillis(1)));
        });
    }

    Mono<Page<TicketSummary>> list(String team, TicketFilter filter, int page, int size) {
        return tickets.list(team, filter, page, size).map(TicketSummary::of).collectList()
                .zipWith(tickets.count(team, filter))
                .map(result -> new Page<>(result.getT1(), page, size, result.getT2()));
    }

    public Mono<Page<TicketSummary>> queue(String team, TicketFilter filter, String assignee, boolean unassigned, int page,
                                           int size) {
        return tickets.queue(team, filter, assignee, unassigned, page, size).map(TicketSummary::of).collectList()
                .map(items -> new Page<>(items, page, size, -1));
    }

    /** The ticket, if it belongs to {@code team} (any team when null); another team's ticket is "not found". */
    public Mono<Ticket> find(UUID id, String team) {
        return tickets.findById(id, false)
                .filter(t -> team == null || t.teamSlug().equals(team))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No ticket " + id)));
    }

    public Mono<TicketDetails> details(UUID id, String team, boolean includeInternal) {
        return find(id, team).flatMap(ticket -> details(ticket, includeInternal));
    }

    /** One message of a ticket (none if it is not that ticket's). */
    Mono<MessageView> message(UUID ticketId, UUID messageId) {
        return tickets.message(messageId).filter(m -> m.ticketId().equals(ticketId)).map(MessageView::of);
    }

    private Mono<TicketDetails> details(Ticket ticket, boolean includeInternal) {
        return tickets.messages(ticket.id(), includeInternal).map(MessageView::of).collectList()
                .map(messages -> TicketDetails.of(ticket, messages));
    }

    /**
     * A message on a ticket. A customer's reply reopens a waiting or resolved ticket; an agent's public reply is the
     * first response (once) and makes the ticket wait for the customer; an internal note (agents only) changes nothing.
     */
    public Mono<MessageView> postMessage(String team, UUID id, PostMessage request, SupportAccess.Caller caller, RequestOrigin origin) {
        if (request.internal() && !caller.agent()) {
            return Mono.error(ApiProblem.forbidden("Only support agents write internal notes"));
        }
        Instant now = now();
        Mono<MessageView> posted = lockedTicket(id, team).flatMap(ticket -> {
            Ticket changed = request.internal() ? ticket : caller.agent() ? ticket.agentReplied(now) : ticket.customerReplied(now);
            TicketMessage message = new TicketMessage(UUID.randomUUID(), id, caller.subject(),
                    caller.agent() ? AuthorKind.AGENT : AuthorKind.CUSTOMER, request.body().strip(), request.internal(), false, now);
            MessageView view = MessageView.of(message);
            Mono<Void> audited = message.isInternal() ? audit.record(new AuditEntry(caller.subject(), INTERNAL_NOTE_ADDED,
                    ticket.teamSlug(), id.toString(), origin, Map.of("message_id", message.id().toString()))) : Mono.empty();
            return tickets.insertMessage(message)
                    .then(hub.publish(TicketChange.message(id, message.id(), message.isInternal())))
                    .then(audited)
                    .then(saveChanges(ticket, changed))
                    .then(caller.agent() ? Mono.<Void>empty() : notifications.rememberContact(ticket.teamSlug(), caller.claims().email()))
                    .then(caller.agent() && !message.isInternal() ? queueReplyMail(changed, message) : Mono.empty())
                    .thenReturn(view);
        });
        return transactions.transactional(posted);
    }

    private Mono<Void> queueReplyMail(Ticket t, TicketMessage reply) {
        String to = notifications.addressOr(t.createdByEmail());
        return notifications.enqueue("agent-reply:" + reply.id() + ":" + to, to, "[Ticket " + shortId(t) + "] New reply: " + t.subject(),
                "Hello,\n\nsupport replied to your ticket \"" + t.subject() + "\":\n\n" + reply.body()
                        + "\n\nReply in the app to continue the conversation.\n\nServelink support").then();
    }

    public Mono<TicketSummary> assign(UUID id, String assignee, Actor agent) {
        return change(id, ticket -> ticket.assignedTo(assignee, now()), ASSIGNED, agent);
    }

    public Mono<TicketSummary> changeStatus(UUID id, TicketStatus status, Actor agent) {
        return change(id, ticket -> ticket.transitionTo(status, now()), STATUS_CHANGED, agent);
    }

    /** A new priority moves the due times to that priority's targets (counted from creation). */
    public Mono<TicketSummary> changePriority(UUID id, Priority priority, Actor agent) {
        return change(id, ticket -> {
            SlaPolicy.DueTimes due = sla.dueTimes(ticket.plan(), priority, ticket.createdAt());
            return ticket.withPriority(priority, due.firstResponseDueAt(), due.resolutionDueAt(), now());
        }, PRIORITY_CHANGED, agent);
    }

    /** Turns a resolved (or closed) ticket into a draft article: its subject, description and public answers. */
    public Mono<KnowledgeBase.Article> draftArticle(UUID id, Actor agent) {
        return find(id, null).flatMap(ticket -> {
            if (!ticket.status().isFinished()) {
                return Mono.error(new IllegalTransitionException("Only a resolved or closed ticket becomes an article"));
            }
            return tickets.messages(id, false)
                    .filter(m -> m.authorKind() == AuthorKind.AGENT)
                    .map(TicketMessage::body)
                    .collectList()
                    .flatMap(answers -> kb.draftFromTicket(id, ticket.subject(), "Question:\n" + ticket.description()
                            + "\n\nAnswer:\n" + String.join("\n\n", answers), agent.subject(), agent.origin()));
        });
    }

    /** An agent's change of a ticket, audited as {@code action} in its transaction (with what changed, before and after). */
    private Mono<TicketSummary> change(UUID id, java.util.function.UnaryOperator<Ticket> transition, String action, Actor agent) {
        Mono<TicketSummary> changed = lockedTicket(id, null).flatMap(ticket -> {
            Ticket next = transition.apply(ticket);
            return saveChanges(ticket, next)
                    .then(audit.record(new AuditEntry(agent.subject(), action, ticket.teamSlug(), id.toString(), agent.origin(),
                            changes(ticket, next))))
                    .thenReturn(TicketSummary.of(next));
        });
        return transactions.transactional(changed);
    }

    /** The status, priority and assignee before and after, those that changed. */
    private static Map<String, Object> changes(Ticket before, Ticket after) {
        Map<String, Object> changes = new LinkedHashMap<>();
        if (before.status() != after.status()) {
            changes.put("status_before", before.status().wire());
            changes.put("status", after.status().wire());
        }
        if (before.priority() != after.priority()) {
            changes.put("priority_before", before.priority().wire());
            changes.put("priority", after.priority().wire());
        }
        if (!Objects.equals(before.assignee(), after.assignee())) {
            changes.put("assignee_before", before.assignee());
            changes.put("assignee", after.assignee());
        }
        return changes;
    }

    /** Stores a changed ticket; a move into resolved queues the resolved e-mail; a visible change is notified. */
    private Mono<Void> saveChanges(Ticket before, Ticket after) {
        boolean visible = before.status() != after.status() || before.priority() != after.priority()
                || !java.util.Objects.equals(before.assignee(), after.assignee());
        Mono<Void> live = visible ? hub.publish(TicketChange.status(after.id())) : Mono.empty();
        Mono<Void> mail = after.status() == TicketStatus.RESOLVED && before.status() != TicketStatus.RESOLVED
                ? queueResolvedMail(after) : Mono.empty();
        return tickets.update(after).then(live).then(mail);
    }

    private Mono<Void> queueResolvedMail(Ticket t) {
        String to = notifications.addressOr(t.createdByEmail());
        return notifications.enqueue("ticket-resolved:" + t.id() + ":" + t.resolvedAt().toEpochMilli() + ":" + to, to,
                "[Ticket " + shortId(t) + "] Resolved: " + t.subject(),
                "Hello,\n\nyour ticket \"" + t.subject() + "\" was resolved. If the problem persists, reply in the app and "
                        + "the ticket reopens.\n\nServelink support").then();
    }

    private Mono<Ticket> lockedTicket(UUID id, String team) {
        return tickets.findById(id, true)
                .filter(t -> team == null || t.teamSlug().equals(team))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No ticket " + id)));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String shortId(Ticket t) {
        return t.id().toString().substring(0, 8);
    }
}
