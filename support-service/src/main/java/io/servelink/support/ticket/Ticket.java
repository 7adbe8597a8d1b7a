package io.servelink.support.ticket;

import java.time.Instant;
import java.util.UUID;

/**
 * A support ticket and its state machine. Every transition returns a new ticket or throws
 * {@link IllegalTransitionException} (a 409 problem); {@code resolved_at} is set on entering resolved and cleared
 * when the ticket goes back to work, {@code closed_at} is set on closing and cleared when an agent reopens it.
 */
public record Ticket(UUID id, String teamSlug, String subject, String description, Category category, Priority priority,
                     TicketStatus status, String plan, String createdBy, String createdByEmail, String assignee,
                     Instant createdAt, Instant updatedAt, Instant firstResponseAt, Instant resolvedAt, Instant closedAt,
                     Instant firstResponseDueAt, Instant resolutionDueAt, Instant firstResponseBreachedAt,
                     Instant resolutionBreachedAt) {

    /** Moves to {@code target}; refuses moves the machine does not allow (including staying where it is). */
    public Ticket transitionTo(TicketStatus target, Instant now) {
        if (!status.next().contains(target)) {
            throw new IllegalTransitionException(status, target);
        }
        Instant resolved = switch (target) {
            case RESOLVED -> now;
            case CLOSED -> resolvedAt;
            default -> null;
        };
        Instant closed = target == TicketStatus.CLOSED ? now : null;
        return new Ticket(id, teamSlug, subject, description, category, priority, target, plan, createdBy, createdByEmail,
                assignee, createdAt, now, firstResponseAt, resolved, closed, firstResponseDueAt, resolutionDueAt,
                firstResponseBreachedAt, resolutionBreachedAt);
    }

    /** A customer's reply: reopens a waiting or resolved ticket (to open); a closed ticket takes no replies. */
    public Ticket customerReplied(Instant now) {
        return switch (status) {
            case CLOSED -> throw new IllegalTransitionException("A closed ticket takes no replies; open a new ticket");
            case WAITING, RESOLVED -> transitionTo(TicketStatus.OPEN, now);
            default -> touched(now);
        };
    }

    /** An agent's public reply: the first one is the first response; the ticket then waits for the customer. */
    public Ticket agentReplied(Instant now) {
        if (status == TicketStatus.CLOSED) {
            throw new IllegalTransitionException("A closed ticket takes no replies; reopen it first");
        }
        Ticket responded = firstResponseAt != null ? this : new Ticket(id, teamSlug, subject, description, category, priority,
                status, plan, createdBy, createdByEmail, assignee, createdAt, now, now, resolvedAt, closedAt,
                firstResponseDueAt, resolutionDueAt, firstResponseBreachedAt, resolutionBreachedAt);
        return status == TicketStatus.WAITING ? responded.touched(now) : responded.transitionTo(TicketStatus.WAITING, now);
    }

    /** Assigns an agent; an open ticket is then in progress. */
    public Ticket assignedTo(String agent, Instant now) {
        Ticket assigned = new Ticket(id, teamSlug, subject, description, category, priority, status, plan, createdBy,
                createdByEmail, agent, createdAt, now, firstResponseAt, resolvedAt, closedAt, firstResponseDueAt,
                resolutionDueAt, firstResponseBreachedAt, resolutionBreachedAt);
        return status == TicketStatus.OPEN && agent != null ? assigned.transitionTo(TicketStatus.IN_PROGRESS, now) : assigned;
    }

    /** A new priority with the due times that belong to it (counted from creation). */
    public Ticket withPriority(Priority newPriority, Instant firstResponseDue, Instant resolutionDue, Instant now) {
        return new Ticket(id, teamSlug, subject, description, category, newPriority, status, plan, createdBy, createdByEmail,
                assignee, createdAt, now, firstResponseAt, resolvedAt, closedAt, firstResponseDue, resolutionDue,
                firstResponseBreachedAt, resolutionBreachedAt);
    }

    private Ticket touched(Instant now) {
        return new Ticket(id, teamSlug, subject, description, category, priority, status, plan, createdBy, createdByEmail,
                assignee, createdAt, now, firstResponseAt, resolvedAt, closedAt, firstResponseDueAt, resolutionDueAt,
                firstResponseBreachedAt, resolutionBreachedAt);
    }
}
