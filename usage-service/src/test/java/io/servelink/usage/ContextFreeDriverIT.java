package io.servelink.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextRegistry;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import io.servelink.starter.r2dbc.ContextFreeConnectionFactory;
import io.servelink.infra.test.ServiceIT;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The service's R2DBC driver runs without the caller's Reactor context: Reactor restores the caller's
 * thread-locals around the driver's per-message callbacks only when the context reaches the driver.
 * A probe thread-local, registered like the request's observation is, counts the restores.
 */
@ServiceIT
class ContextFreeDriverIT {

    private static final String PROBE = "servelink.test.driver-context-probe";
    private static final ThreadLocal<Object> PROBE_VALUE = new ThreadLocal<>();
    private static final AtomicInteger RESTORES = new AtomicInteger();
    private static final String HUNDRED_ROWS = "SELECT generate_series(1, 100) AS n";

    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    DatabaseClient db;
    @Autowired
    TransactionalOperator transactions;

    @BeforeEach
    void registerProbe() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(PROBE, PROBE_VALUE::get, value -> {
            RESTORES.incrementAndGet();
            PROBE_VALUE.set(value);
        }, PROBE_VALUE::remove);
        RESTORES.set(0);
    }

    @AfterEach
    void removeProbe() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(PROBE);
    }

    @Test
    void theServiceConnectionFactoryIsThePoolWrappedOnce() {
        assertThat(connectionFactory).isInstanceOf(ContextFreeConnectionFactory.class);
        assertThat(ContextFreeConnectionFactory.of(connectionFactory)).isSameAs(connectionFactory);
        assertThat(((Wrapped<?>) connectionFactory).unwrap()).isInstanceOf(ConnectionPool.class);
    }

    @Test
    void theDriverRestoresNoThreadLocalsForRowsReadThroughTheServiceFactory() {
        assertThat(hundredRows(connectionFactory)).isEqualTo(5050);
        assertThat(RESTORES.get()).isZero();
    }

    @Test
    void thePoolAloneRestoresTheCallerThreadLocalsForEveryMessage() {
        ConnectionFactory pool = (ConnectionFactory) ((Wrapped<?>) connectionFactory).unwrap();

        assertThat(hundredRows(pool)).isEqualTo(5050);
        assertThat(RESTORES.get()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void theCallerContextStillReachesTheCodeAfterTheQuery() {
        String seen = db.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one()
                .flatMap(one -> Mono.deferContextual(context -> Mono.just(context.getOrDefault(PROBE, "none"))))
                .contextWrite(Context.of(PROBE, "request"))
                .block();

        assertThat(seen).isEqualTo("request");
    }

    @Test
    void aRolledBackTransactionLeavesNothingAndACommittedOneKeepsItsRow() {
        String rolledBack = "ctx-rollback-" + System.nanoTime();
        String committed = "ctx-commit-" + System.nanoTime();

        Mono<Void> failing = insertUsage(rolledBack).then(Mono.<Void>error(new IllegalStateException("abort")))
                .as(transactions::transactional).onErrorResume(IllegalStateException.class, e -> Mono.empty());
        failing.contextWrite(Context.of(PROBE, "request")).block();
        insertUsage(committed).as(transactions::transactional).contextWrite(Context.of(PROBE, "request")).block();

        assertThat(usageRows(rolledBack)).isZero();
        assertThat(usageRows(committed)).isEqualTo(1);
    }

    private static Long hundredRows(ConnectionFactory factory) {
        return Flux.usingWhen(factory.create(),
                        connection -> Flux.from(connection.createStatement(HUNDRED_ROWS).execute())
                                .concatMap(result -> result.map(row -> row.get("n", Integer.class))),
                        Connection::close)
                .reduce(0L, (sum, n) -> sum + n)
                .contextWrite(Context.of(PROBE, "request"))
                .block();
    }

    private Mono<Void> insertUsage(String projectId) {
        return db.sql("INSERT INTO project_usage (project_id, year, month, traffic_bytes, storage_bytes) VALUES (:id, 2026, 1, 1, 0)")
                .bind("id", projectId).then();
    }

    private Long usageRows(String projectId) {
        return db.sql("SELECT count(*) AS n FROM project_usage WHERE project_id = :id").bind("id", projectId)
                .map(row -> row.get("n", Long.class)).one().block();
    }
}
