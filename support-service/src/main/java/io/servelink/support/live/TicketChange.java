package io.servelink.support.live;

import java.util.UUID;

/**
 * One change of one ticket as a NOTIFY payload carries it: the SSE event name, whether only agents may see it, and a
 * reference to what changed (a message id, a breach kind, or none). Streams refetch what they show from it.
 * {@link #RESYNC} (no ticket) tells every stream that changes may have been missed.
 */
public record TicketChange(UUID ticketId, String event, boolean internal, String ref) {

    public static final TicketChange RESYNC = new TicketChange(null, "resync", false, null);

    public static TicketChange message(UUID ticketId, UUID messageId, boolean internal) {
        return new TicketChange(ticketId, "message", internal, messageId.toString());
    }

    public static TicketChange status(UUID ticketId) {
        return new TicketChange(ticketId, "status", false, null);
    }

    public static TicketChange slaBreach(UUID ticketId, String breach) {
        return new TicketChange(ticketId, "sla_breach", false, breach);
    }

    public boolean isResync() {
        return ticketId == null;
    }

    /** {@code <ticket id> <event> <internal|public>[ <ref>]}: small, well under NOTIFY's 8000-byte limit. */
    String payload() {
        return ticketId + " " + event + " " + (internal ? "internal" : "public") + (ref == null ? "" : " " + ref);
    }

    static TicketChange parse(String payload) {
        String[] parts = payload.split(" ", 4);
        return new TicketChange(UUID.fromString(parts[0]), parts[1], parts[2].equals("internal"), parts.length > 3 ? parts[3] : null);
    }
}
