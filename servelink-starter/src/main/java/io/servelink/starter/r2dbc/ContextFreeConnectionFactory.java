package io.servelink.starter.r2dbc;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A connection factory whose driver runs without the caller's Reactor context.
 *
 * <p>With Micrometer's context-propagation library on the classpath, Reactor restores the subscriber's
 * thread-locals around every {@code handle} callback, even in {@code spring.reactor.context-propagation=limited}
 * mode. The PostgreSQL driver handles every backend message (row description, each data row, command complete,
 * ready for query) in such callbacks, so every query opened and closed the request's observation scope, its
 * trace context and a copy of the logging MDC several times: a fifth of usage-service's CPU and a third of its
 * allocation on the usage endpoints (docs/benchmarks.md).
 *
 * <p>The driver reads nothing from the context: transactions are bound by Spring above this interface (the
 * transaction manager and {@code DatabaseClient} keep the caller's context), and the pool keeps its own. So every
 * publisher this factory, its connections, statements and results return is subscribed with an empty context,
 * and Reactor skips the restoring altogether. Each wrapper is {@link Wrapped}, so code that looks for the pool
 * (metrics, health) still finds it, and {@link #dispose()} closes the pool at shutdown.
 */
public final class ContextFreeConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory>, Disposable {

    private final ConnectionFactory delegate;

    private ContextFreeConnectionFactory(ConnectionFactory delegate) {
        this.delegate = delegate;
    }

    /** The factory wrapped once: wrapping a wrapped factory returns it unchanged. */
    public static ConnectionFactory of(ConnectionFactory factory) {
        return factory instanceof ContextFreeConnectionFactory ? factory : new ContextFreeConnectionFactory(factory);
    }

    @Override
    public Publisher<? extends Connection> create() {
        return withoutContext(Mono.from(delegate.create())).map(ContextFreeConnection::new);
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return delegate;
    }

    /** Closes the wrapped pool (Spring Boot declares its pool with {@code destroyMethod = "dispose"}). */
    @Override
    public void dispose() {
        if (delegate instanceof Disposable disposable) {
            disposable.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return delegate instanceof Disposable disposable && disposable.isDisposed();
    }

    @Override
    public String toString() {
        return "ContextFree(" + delegate + ")";
    }

    private static <T> Mono<T> withoutContext(Mono<T> publisher) {
        return publisher.contextWrite(ContextFreeConnectionFactory::empty);
    }

    private static <T> Flux<T> withoutContext(Publisher<T> publisher) {
        return Flux.from(publisher).contextWrite(ContextFreeConnectionFactory::empty);
    }

    private static Context empty(Context ignored) {
        return Context.empty();
    }

    private record ContextFreeConnection(Connection delegate) implements Connection, Wrapped<Connection> {

        @Override
        public Publisher<Void> beginTransaction() {
            return withoutContext(delegate.beginTransaction());
        }

        @Override
        public Publisher<Void> beginTransaction(TransactionDefinition definition) {
            return withoutContext(delegate.beginTransaction(definition));
        }

        @Override
        public Publisher<Void> close() {
            return withoutContext(delegate.close());
        }

        @Override
        public Publisher<Void> commitTransaction() {
            return withoutContext(delegate.commitTransaction());
        }

        @Override
        public Batch createBatch() {
            return new ContextFreeBatch(delegate.createBatch());
        }

        @Override
        public Publisher<Void> createSavepoint(String name) {
            return withoutContext(delegate.createSavepoint(name));
        }

        @Override
        public Statement createStatement(String sql) {
            return new ContextFreeStatement(delegate.createStatement(sql));
        }

        @Override
        public boolean isAutoCommit() {
            return delegate.isAutoCommit();
        }

        @Override
        public ConnectionMetadata getMetadata() {
            return delegate.getMetadata();
        }

        @Override
        public IsolationLevel getTransactionIsolationLevel() {
            return delegate.getTransactionIsolationLevel();
        }

        @Override
        public Publisher<Void> releaseSavepoint(String name) {
            return withoutContext(delegate.releaseSavepoint(name));
        }

        @Override
        public Publisher<Void> rollbackTransaction() {
            return withoutContext(delegate.rollbackTransaction());
        }

        @Override
        public Publisher<Void> rollbackTransactionToSavepoint(String name) {
            return withoutContext(delegate.rollbackTransactionToSavepoint(name));
        }

        @Override
        public Publisher<Void> setAutoCommit(boolean autoCommit) {
            return withoutContext(delegate.setAutoCommit(autoCommit));
        }

        @Override
        public Publisher<Void> setLockWaitTimeout(Duration timeout) {
            return withoutContext(delegate.setLockWaitTimeout(timeout));
        }

        @Override
        public Publisher<Void> setStatementTimeout(Duration timeout) {
            return withoutContext(delegate.setStatementTimeout(timeout));
        }

        @Override
        public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
            return withoutContext(delegate.setTransactionIsolationLevel(isolationLevel));
        }

        @Override
        public Publisher<Boolean> validate(ValidationDepth depth) {
            return withoutContext(delegate.validate(depth));
        }

        @Override
        public Connection unwrap() {
            return delegate;
        }
    }

    /** Fluent methods answer this wrapper, so the caller's chain keeps executing through it. */
    private record ContextFreeStatement(Statement delegate) implements Statement, Wrapped<Statement> {

        @Override
        public Statement add() {
            delegate.add();
            return this;
        }

        @Override
        public Statement bind(int index, Object value) {
            delegate.bind(index, value);
            return this;
        }

        @Override
        public Statement bind(String name, Object value) {
            delegate.bind(name, value);
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            delegate.bindNull(index, type);
            return this;
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            delegate.bindNull(name, type);
            return this;
        }

        @Override
        public Publisher<? extends Result> execute() {
            return withoutContext(delegate.execute()).map(ContextFreeResult::new);
        }

        @Override
        public Statement returnGeneratedValues(String... columns) {
            delegate.returnGeneratedValues(columns);
            return this;
        }

        @Override
        public Statement fetchSize(int rows) {
            delegate.fetchSize(rows);
            return this;
        }

        @Override
        public Statement unwrap() {
            return delegate;
        }
    }

    private record ContextFreeBatch(Batch delegate) implements Batch, Wrapped<Batch> {

        @Override
        public Batch add(String sql) {
            delegate.add(sql);
            return this;
        }

        @Override
        public Publisher<? extends Result> execute() {
            return withoutContext(delegate.execute()).map(ContextFreeResult::new);
        }

        @Override
        public Batch unwrap() {
            return delegate;
        }
    }

    /** A result's rows are read when its mapped publisher is subscribed, so that subscription drops the context too. */
    private record ContextFreeResult(Result delegate) implements Result, Wrapped<Result> {

        @Override
        public Publisher<Long> getRowsUpdated() {
            return withoutContext(delegate.getRowsUpdated());
        }

        @Override
        public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
            return withoutContext(delegate.map(mappingFunction));
        }

        @Override
        public <T> Publisher<T> map(Function<? super Readable, ? extends T> mappingFunction) {
            return withoutContext(delegate.map(mappingFunction));
        }

        @Override
        public Result filter(Predicate<Segment> filter) {
            return new ContextFreeResult(delegate.filter(filter));
        }

        @Override
        public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
            return withoutContext(delegate.flatMap(mappingFunction));
        }

        @Override
        public Result unwrap() {
            return delegate;
        }
    }
}
