package io.servelink.starter.audit;

import java.util.Map;
import java.util.Objects;

/**
 * One line of the audit trail: who ({@code actor}: a token's subject, or {@code job:<name>}, or the peer service
 * whose event caused it), did what ({@code action}, {@code <thing>.<past tense>}), for which team, to which thing
 * ({@code subjectId}: a payment, add-on, ticket, article or job), from where, with what details.
 */
public record AuditEntry(String actor, String action, String teamSlug, String subjectId, RequestOrigin origin,
                         Map<String, ?> details) {

    public AuditEntry {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        origin = origin == null ? RequestOrigin.NONE : origin;
        details = details == null ? Map.of() : details;
    }
}
