package io.servelink.support.sla;

import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import io.servelink.support.live.TicketChange;
import io.servelink.support.live.TicketEventHub;
import io.servelink.support.notification.Notifications;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code sla-breaches} job (every 5 minutes, {@code servelink.jobs.sla-breaches.*}): finds tickets past their
 * first-response or resolution due time, marks each breach once (the breached_at column), escalates the ticket's
 * priority one step per breach, queues an e-mail to the support inbox and notifies live streams — all in one transaction, so a rerun neither
 * escalates nor notifies again.
 */
@Component
class SlaBreachJob implements Job {

    private static final String ESCALATE = "priority = CASE priority WHEN 'low' THEN 'normal' WHEN 'normal' THEN 'high' "
            + "ELSE 'urgent' END, updated_at = now()";

    /** One breach, as the e-mail tells it. */
    record Breach(UUID ticketId, String teamSlug, String subject, String breach, String priority, Instant dueAt) {
    }

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Notifications notifications;
    private final TicketEventHub hub;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    SlaBreachJob(DatabaseClient db, TransactionalOperator transactions, Notifications notifications,
                 TicketEventHub hub, io.micrometer.core.instrument.MeterRegistry meters) {
        this.meters = meters;
        this.db = db;
        this.transactions = transactions;
        this.notifications = notifications;
        this.hub = hub;
    }

    @Override
    public String name() {
        return "sla-breaches";
    }

    @Override
    public Mono<JobResult> run() {
        Mono<List<Breach>> breaches = breach("first_response", "first_response_at IS NULL AND ", "first_response_due_at")
                .concatWith(breach("resolution", "", "resolution_due_at"))
                .concatMap(b -> notify(b).then(hub.publish(TicketChange.slaBreach(b.ticketId(), b.breach()))).thenReturn(b))
                .collectList();
        return transactions.transactional(breaches)
                .doOnNext(list -> list.forEach(b -> meters.counter("servelink.support.sla.breaches", "kind", b.breach()).increment()))
                .map(list -> JobResult.completed(Map.of(
                        "first_response_breaches", list.stream().filter(b -> b.breach().equals("first_response")).count(),
                        "resolution_breaches", list.stream().filter(b -> b.breach().equals("resolution")).count())));
    }

    private Flux<Breach> breach(String kind, String extraCondition, String dueColumn) {
        return db.sql("UPDATE tickets SET " + kind + "_breached_at = now(), " + ESCALATE + " WHERE " + extraCondition
                        + "status NOT IN ('resolved', 'closed') AND " + kind + "_breached_at IS NULL AND " + dueColumn
                        + " <= now() RETURNING id, team_slug, subject, priority, " + dueColumn)
                .map(row -> new Breach(row.get("id", UUID.class), row.get("team_slug", String.class),
                        row.get("subject", String.class), kind, row.get("priority", String.class),
                        row.get(dueColumn, Instant.class)))
                .all();
    }

    private Mono<Boolean> notify(Breach b) {
        String what = b.breach().equals("first_response") ? "first response" : "resolution";
        return notifications.enqueue("sla-breach:" + b.breach() + ":" + b.ticketId(), notifications.supportAddress(),
                "SLA breach (" + what + "): " + b.subject(),
                "Ticket " + b.ticketId() + " of team " + b.teamSlug() + " missed its " + what + " target (due "
                        + b.dueAt() + ").\nIts priority was escalated to " + b.priority() + ".");
    }
}
