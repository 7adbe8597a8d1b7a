package io.servelink.support.live;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.api.Notification;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * This replica's one LISTEN connection: its own unpooled connection (a pooled one is no {@link PostgresqlConnection}),
 * built from {@code spring.r2dbc.*}. After a disconnect it reconnects with backoff, LISTENs again and emits
 * {@link TicketChange#RESYNC}, as NOTIFYs sent meanwhile are lost.
 */
@Component
class TicketChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TicketChangeListener.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final PostgresqlConnectionFactory connections;
    private final Sinks.Many<TicketChange> sink = Sinks.many().multicast().directBestEffort();
    private final AtomicBoolean listenedBefore = new AtomicBoolean();
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile Disposable listening;

    TicketChangeListener(R2dbcProperties r2dbc) {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(r2dbc.getUrl()).mutate();
        if (r2dbc.getUsername() != null) {
            options.option(ConnectionFactoryOptions.USER, r2dbc.getUsername());
        }
        if (r2dbc.getPassword() != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, r2dbc.getPassword());
        }
        this.connections = new PostgresqlConnectionFactoryProvider().create(options.build());
    }

    Flux<TicketChange> changes() {
        return sink.asFlux();
    }

    @Override
    public void start() {
        listening = Flux.usingWhen(connections.create(), this::listen, PostgresqlConnection::close)
                // the notification stream completes when the connection closes: reconnect as after an error
                .concatWith(Mono.error(() -> new IllegalStateException("LISTEN connection closed")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF).maxBackoff(MAX_BACKOFF)
                        .doBeforeRetry(signal -> log.warn("LISTEN {} lost, reconnecting (attempt {}): {}", TicketEventHub.CHANNEL,
                                signal.totalRetries() + 1, signal.failure().toString())))
                .subscribe(this::emit, error -> log.error("LISTEN {} stopped", TicketEventHub.CHANNEL, error));
        awaitFirstListen();
    }

    /** Startup waits (a while) for the first LISTEN, so no change made once the replica serves is missed. */
    private void awaitFirstListen() {
        try {
            if (!firstListen.await(MAX_BACKOFF.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("LISTEN {} not established yet; live updates start once it is", TicketEventHub.CHANNEL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Flux<TicketChange> listen(PostgresqlConnection connection) {
        return connection.createStatement("LISTEN " + TicketEventHub.CHANNEL).execute()
                .flatMap(result -> result.getRowsUpdated())
                .then(Mono.fromRunnable(this::listening))
                .thenMany(connection.getNotifications())
                .map(Notification::getParameter)
                .map(TicketChange::parse);
    }

    private void listening() {
        firstListen.countDown();
        if (listenedBefore.getAndSet(true)) {
            log.info("LISTEN {} again; streams refetch what they show", TicketEventHub.CHANNEL);
            emit(TicketChange.RESYNC);
        }
    }

    private void emit(TicketChange change) {
        sink.tryEmitNext(change);
    }

    @Override
    public void stop() {
        Disposable current = listening;
        if (current != null) {
            current.dispose();
        }
        listening = null;
    }

    @Override
    public boolean isRunning() {
        return listening != null;
    }
}
