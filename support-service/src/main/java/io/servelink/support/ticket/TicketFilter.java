package io.servelink.support.ticket;

/** Optional filters of ticket lists, the queue and search; null means any. */
public record TicketFilter(TicketStatus status, Priority priority, Category category) {
}
