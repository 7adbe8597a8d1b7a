package io.servelink.support.ticket;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the API answers about tickets (snake_case JSON). */
public final class TicketViews {

    private TicketViews() {
    }

    /** A ticket without its conversation: lists, queue, search. */
    public record TicketSummary(UUID id, String teamSlug, String subject, Category category, Priority priority,
                                TicketStatus status, String plan, String createdBy, String assignee, Instant createdAt,
                                Instant updatedAt, Instant firstResponseAt, Instant resolvedAt, Instant closedAt,
                                Instant firstResponseDueAt, Instant resolutionDueAt, Instant firstResponseBreachedAt,
                                Instant resolutionBreachedAt) {

        public static TicketSummary of(Ticket t) {
            return new TicketSummary(t.id(), t.teamSlug(), t.subject(), t.category(), t.priority(), t.status(), t.plan(),
                    t.createdBy(), t.assignee(), t.createdAt(), t.updatedAt(), t.firstResponseAt(), t.resolvedAt(),
                    t.closedAt(), t.firstResponseDueAt(), t.resolutionDueAt(), t.firstResponseBreachedAt(),
                    t.resolutionBreachedAt());
        }
    }

    /** A ticket with its conversation (internal notes only when an agent asks). */
    public record TicketDetails(UUID id, String teamSlug, String subject, String description, Category category,
                                Priority priority, TicketStatus status, String plan, String createdBy, String assignee,
                                Instant createdAt, Instant updatedAt, Instant firstResponseAt, Instant resolvedAt,
                                Instant closedAt, Instant firstResponseDueAt, Instant resolutionDueAt,
                                Instant firstResponseBreachedAt, Instant resolutionBreachedAt, List<MessageView> messages) {

        static TicketDetails of(Ticket t, List<MessageView> messages) {
            return new TicketDetails(t.id(), t.teamSlug(), t.subject(), t.description(), t.category(), t.priority(),
                    t.status(), t.plan(), t.createdBy(), t.assignee(), t.createdAt(), t.updatedAt(), t.firstResponseAt(),
                    t.resolvedAt(), t.closedAt(), t.firstResponseDueAt(), t.resolutionDueAt(),
                    t.firstResponseBreachedAt(), t.resolutionBreachedAt(), messages);
        }
    }

    public record MessageView(UUID id, String author, AuthorKind authorKind, String body, boolean isInternal,
                              boolean automatic, Instant createdAt) {

        static MessageView of(TicketMessage m) {
            return new MessageView(m.id(), m.author(), m.authorKind(), m.body(), m.isInternal(), m.automatic(), m.createdAt());
        }
    }

    /** A page of results. */
    public record Page<T>(List<T> items, int page, int size, long total) {
    }

    /** What a live stream carries when a ticket missed an SLA target ({@code first_response} or {@code resolution}). */
    public record BreachView(UUID ticketId, String teamSlug, String subject, String breach, Priority priority, Instant dueAt) {

        static BreachView of(Ticket t, String breach) {
            Instant due = "first_response".equals(breach) ? t.firstResponseDueAt() : t.resolutionDueAt();
            return new BreachView(t.id(), t.teamSlug(), t.subject(), breach, t.priority(), due);
        }
    }

    /** What a live stream carries when the status, priority or assignee changes. */
    public record StatusView(UUID ticketId, TicketStatus status, Priority priority, String assignee, Instant resolvedAt,
                             Instant closedAt, Instant updatedAt) {

        static StatusView of(Ticket t) {
            return new StatusView(t.id(), t.status(), t.priority(), t.assignee(), t.resolvedAt(), t.closedAt(), t.updatedAt());
        }
    }
}
