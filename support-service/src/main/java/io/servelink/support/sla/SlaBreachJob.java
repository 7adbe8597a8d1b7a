package io.servelink.support.sla;

import io.servelink.contracts.spring.jobs.JobLock;
import io.servelink.support.live.TicketEventHub;
import io.servelink.support.notification.Notifications;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Finds tickets past their first-response or resolution due time, marks each breach once (the breached_at column),
 * escalates the ticket's priority one step per breach and queues an e-mail to the support inbox — all in one
 * transaction, so a rerun neither escalates nor notifies again.
 */
@Component
class SlaBreachJob {

    static final String JOB = "sla-breaches";
    private static final Logger log = LoggerFactory.getLogger(SlaBreachJob.class);
    private static final String ESCALATE = "priority = CASE priority WHEN 'low' THEN 'normal' WHEN 'normal' THEN 'high' "
            + "ELSE 'urgent' END, updated_at = now()";

    /** What one run found. */
    record Report(boolean ran, int firstResponseBreaches, int resolutionBreaches) {
    }

    /** One breach, as the SSE stream and the e-mail tell it. */
    record Breach(UUID ticketId, String teamSlug, String subject, String breach, String priority, Instant dueAt) {
    }

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final JobLock jobLock;
    private final Notifications notifications;
    private final TicketEventHub hub;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    SlaBreachJob(DatabaseClient db, TransactionalOperator transactions, JobLock jobLock, Notifications notifications,
                 TicketEventHub hub, io.micrometer.core.instrument.MeterRegistry meters) {
        this.meters = meters;
        this.db = db;
        this.transactions = transactions;
        this.jobLock = jobLock;
        this.notifications = notifications;
        this.hub = hub;
    }

    @Scheduled(cron = "${servelink.support.sla.breach-cron:0 */5 * * * *}", zone = "UTC")
    void scheduled() {
        run().subscribe(report -> log.info("SLA breach job: {}", report), e -> log.error("SLA breach job failed", e));
    }

    Mono<Report> run() {
        Report[] result = {new Report(false, 0, 0)};
        return jobLock.runExclusively(JOB, Duration.ofMinutes(5), Duration.ofSeconds(30),
                        () -> detect().doOnNext(report -> result[0] = report))
                .map(ran -> ran ? result[0] : new Report(false, 0, 0));
    }

    private Mono<Report> detect() {
        Mono<List<Breach>> breaches = breach("first_response", "first_response_at IS NULL AND ", "first_response_due_at")
                .concatWith(breach("resolution", "", "resolution_due_at"))
                .concatMap(b -> notify(b).thenReturn(b))
                .collectList();
        return transactions.transactional(breaches)
                .doOnNext(list -> list.forEach(b -> hub.publish(new TicketEventHub.TicketUpdate(b.ticketId(), "sla_breach", false, b))))
                .doOnNext(list -> list.forEach(b -> meters.counter("servelink.support.sla.breaches", "kind", b.breach()).increment()))
                .map(list -> new Report(true, (int) list.stream().filter(b -> b.breach().equals("first_response")).count(),
                        (int) list.stream().filter(b -> b.breach().equals("resolution")).count()));
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
