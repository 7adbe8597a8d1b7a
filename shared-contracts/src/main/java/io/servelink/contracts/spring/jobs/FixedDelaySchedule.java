package io.servelink.contracts.spring.jobs;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import reactor.core.publisher.Mono;

/**
 * Registers a reactive job to run every {@code interval} after the previous run ended. The run is awaited on the
 * scheduler's own thread (never a request thread), at most {@code timeout}, so runs never overlap; a failure is
 * logged and the next run comes at its time.
 */
public final class FixedDelaySchedule {

    private static final Logger log = LoggerFactory.getLogger(FixedDelaySchedule.class);

    private FixedDelaySchedule() {
    }

    public static void register(ScheduledTaskRegistrar registrar, String jobName, Duration interval, Duration timeout,
                                Supplier<Mono<?>> run) {
        registrar.addFixedDelayTask(() -> {
            try {
                run.get().block(timeout);
            } catch (RuntimeException e) {
                log.error("Scheduled job {} failed", jobName, e);
            }
        }, interval);
    }
}
