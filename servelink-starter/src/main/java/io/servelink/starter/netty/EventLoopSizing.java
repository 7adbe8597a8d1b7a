package io.servelink.starter.netty;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * One Reactor Netty event loop per available processor (at least two), for the HTTP server, the HTTP clients and the
 * R2DBC driver alike. Reactor Netty's own default is at least four, whatever the processors: on the two-core
 * machines the services are measured on, three JVMs and PostgreSQL then shared two cores among twelve event loops.
 * With two loops per JVM, a warm usage request through the gateway at 500 requests/s cost about 5 % less of the
 * machine's CPU (2.9–3.1 ms against 3.1–3.3 ms, docs/benchmarks.md); its p99 did not change measurably.
 * <p>
 * Reactor Netty reads the count once, from the system property {@value #WORKERS_PROPERTY}, when its loops are first
 * made; this sets that property, before the context starts, unless it is set already (a {@code -D} on the command
 * line wins). {@code servelink.netty.io-workers} sets the count from configuration.
 */
public class EventLoopSizing implements EnvironmentPostProcessor, Ordered {

    public static final String WORKERS_PROPERTY = "reactor.netty.ioWorkerCount";
    static final String SETTING = "servelink.netty.io-workers";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (System.getProperty(WORKERS_PROPERTY) == null) {
            System.setProperty(WORKERS_PROPERTY, Integer.toString(workers(environment, Runtime.getRuntime().availableProcessors())));
        }
    }

    /** The configured count, else one per processor and at least two (a blocked loop still leaves one serving). */
    static int workers(ConfigurableEnvironment environment, int processors) {
        Integer configured = environment.getProperty(SETTING, Integer.class);
        if (configured != null) {
            if (configured < 1) {
                throw new IllegalArgumentException(SETTING + " must be at least 1, was " + configured);
            }
            return configured;
        }
        return Math.max(2, processors);
    }

    /** After the configuration files are read, so that {@code servelink.netty.io-workers} may come from them. */
    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
