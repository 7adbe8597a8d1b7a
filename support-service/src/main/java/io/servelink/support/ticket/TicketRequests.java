package io.servelink.support.ticket;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Request bodies of the ticket endpoints. */
public final class TicketRequests {

    private TicketRequests() {
    }

    /** A new ticket; priority defaults to normal, and a Pro team's ticket is at least high. */
    public record CreateTicket(@NotBlank @Size(max = 200) String subject, @NotBlank @Size(max = 20000) String description,
                               @NotNull Category category, Priority priority) {
    }

    public record PostMessage(@NotBlank @Size(max = 20000) String body, Boolean isInternal) {

        boolean internal() {
            return Boolean.TRUE.equals(isInternal);
        }
    }

    public record ChangeStatus(@NotNull TicketStatus status) {
    }

    public record ChangePriority(@NotNull Priority priority) {
    }

    /** Assigns the ticket to {@code assignee} (an agent's subject); blank means the calling agent. */
    public record Assign(@Size(max = 200) String assignee) {
    }
}
