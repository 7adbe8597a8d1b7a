package io.servelink.support.notification;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends queued e-mails. Each round claims due rows with {@code FOR UPDATE SKIP LOCKED} and pushes their next attempt
 * past a lease (so no other replica takes them while they are being sent), sends them over SMTP, then marks them
 * sent; a failure is retried with exponential back-off up to {@code max-attempts}, then marked failed. An e-mail is
 * sent twice only if a replica dies between the SMTP server's acceptance and the mark (at-least-once at that
 * boundary; the dedup key keeps events and jobs from queueing it twice).
 */
@Component
class MailRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MailRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(30);

    private record Claimed(long id, String recipient, String subject, String body, int attempts) {
    }

    private final DatabaseClient db;
    private final MailGateway gateway;
    private final NotificationSettings properties;
    private final Counter sent;
    private final Counter failures;
    private volatile Disposable loop;

    MailRelay(DatabaseClient db, MailGateway gateway, NotificationSettings properties, MeterRegistry registry) {
        this.db = db;
        this.gateway = gateway;
        this.properties = properties;
        this.sent = Counter.builder("support.mail.sent").description("E-mails accepted by the SMTP server").register(registry);
        this.failures = Counter.builder("support.mail.failures").description("Failed e-mail attempts").register(registry);
    }

    /** One round: claims and sends due e-mails; emits how many were sent. */
    Mono<Long> relayPending() {
        return claim().concatMap(this::send).filter(Boolean::booleanValue).count();
    }

    private Flux<Claimed> claim() {
        return db.sql("UPDATE notifications SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => :lease) "
                        + "WHERE id IN (SELECT id FROM notifications WHERE sent_at IS NULL AND failed_at IS NULL "
                        + "AND next_attempt_at <= now() ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id, recipient, subject, body, attempts")
                .bind("lease", (double) properties.lease().toSeconds())
                .bind("batch", properties.batchSize())
                .map(row -> new Claimed(row.get("id", Long.class), row.get("recipient", String.class),
                        row.get("subject", String.class), row.get("body", String.class), row.get("attempts", Integer.class)))
                .all();
    }

    private Mono<Boolean> send(Claimed mail) {
        return Mono.fromRunnable(() -> gateway.send(properties.from(), mail.recipient(), mail.subject(), mail.body()))
                .subscribeOn(Schedulers.boundedElastic())
                .then(markSent(mail))
                .onErrorResume(e -> markFailed(mail, e));
    }

    private Mono<Boolean> markSent(Claimed mail) {
        sent.increment();
        return db.sql("UPDATE notifications SET sent_at = now(), last_error = NULL WHERE id = :id")
                .bind("id", mail.id()).fetch().rowsUpdated().thenReturn(true);
    }

    private Mono<Boolean> markFailed(Claimed mail, Throwable e) {
        failures.increment();
        boolean giveUp = mail.attempts() >= properties.maxAttempts();
        log.warn("E-mail {} to {} failed (attempt {}{})", mail.id(), mail.recipient(), mail.attempts(),
                giveUp ? ", giving up" : "", e);
        Duration backoff = Duration.ofSeconds(1L << Math.min(mail.attempts(), 20));
        return db.sql(giveUp
                        ? "UPDATE notifications SET failed_at = now(), last_error = :error WHERE id = :id"
                        : "UPDATE notifications SET next_attempt_at = now() + make_interval(secs => :backoff), last_error = :error WHERE id = :id")
                .bind("error", String.valueOf(e.getMessage()))
                .bind("id", mail.id())
                .bindValues(giveUp ? java.util.Map.of() : java.util.Map.of("backoff",
                        (double) (backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff).toSeconds()))
                .fetch().rowsUpdated().thenReturn(false);
    }

    @Override
    public void start() {
        if (!properties.relayEnabled()) {
            return;
        }
        loop = Flux.interval(properties.relayInterval(), properties.relayInterval())
                .onBackpressureDrop()
                .concatMap(tick -> relayPending().onErrorResume(e -> {
                    log.warn("Mail relay round failed", e);
                    return Mono.just(0L);
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
        }
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isDisposed();
    }
}
