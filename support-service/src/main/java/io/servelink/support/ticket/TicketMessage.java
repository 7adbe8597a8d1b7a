package io.servelink.support.ticket;

import java.time.Instant;
import java.util.UUID;

/** One message of a ticket's conversation; internal notes are for agents only. */
public record TicketMessage(UUID id, UUID ticketId, String author, AuthorKind authorKind, String body, boolean isInternal,
                            boolean automatic, Instant createdAt) {
}
