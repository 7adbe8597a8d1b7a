package io.servelink.usage.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import io.servelink.usage.UsageChanged;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * 04:00 UTC: measures every project's disk use through the {@link StorageProbe}, keeps each measurement in
 * {@code storage_measurements} and sets the month's {@code storage_bytes} to it, in one transaction; a live
 * project the probe did not find measures 0. When the probe fails (no engine, timeout, open circuit) nothing is
 * written, the month keeps its last figures and the run answers {@code degraded} with the reason.
 */
@Component
class StorageMeasurement implements Job {

    private static final Logger log = LoggerFactory.getLogger(StorageMeasurement.class);

    private final StorageProbe probe;
    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Counter degraded;

    StorageMeasurement(StorageProbe probe, DatabaseClient db, TransactionalOperator transactions, ApplicationEventPublisher events,
                       Clock clock, MeterRegistry registry) {
        this.probe = probe;
        this.db = db;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.degraded = Counter.builder("servelink.usage.storage.degraded").description("Storage runs that could not measure")
                .register(registry);
    }

    @Override
    public String name() {
        return "storage-measurement";
    }

    @Override
    public Mono<JobResult> run() {
        return probe.measure()
                .flatMap(snapshot -> store(snapshot.projects()))
                .onErrorResume(this::degrade);
    }

    private Mono<JobResult> degrade(Throwable error) {
        degraded.increment();
        String reason = "storage probe '" + probe.source() + "' could not measure: " + describe(error)
                + "; storage figures keep their last measurement";
        log.warn("Storage measurement degraded: {}", reason);
        return Mono.just(JobResult.degraded(reason, Map.of("projects_measured", 0L)));
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private Mono<JobResult> store(Map<String, ProjectStorage> measured) {
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        return liveProjects()
                .map(live -> {
                    Map<String, ProjectStorage> all = new HashMap<>(measured);
                    live.forEach(project -> all.putIfAbsent(project, ProjectStorage.NONE));
                    return all;
                })
                .flatMap(all -> write(all, now, month).as(transactions::transactional).thenReturn(all))
                .doOnNext(all -> events.publishEvent(UsageChanged.ofProjects(all.keySet())))
                .map(all -> JobResult.completed(Map.of(
                        "projects_measured", (long) all.size(),
                        "projects_found", (long) measured.size(),
                        "total_bytes", all.values().stream().mapToLong(ProjectStorage::totalBytes).sum())));
    }

    private Mono<List<String>> liveProjects() {
        return db.sql("SELECT project_id FROM projects WHERE deleted_at IS NULL")
                .map(row -> row.get("project_id", String.class))
                .all()
                .collectList();
    }

    private Mono<Void> write(Map<String, ProjectStorage> all, Instant now, YearMonth month) {
        if (all.isEmpty()) {
            return Mono.empty();
        }
        String[] projects = all.keySet().toArray(String[]::new);
        Long[] volumes = new Long[projects.length];
        Long[] images = new Long[projects.length];
        Long[] containers = new Long[projects.length];
        Long[] totals = new Long[projects.length];
        for (int i = 0; i < projects.length; i++) {
            ProjectStorage storage = all.get(projects[i]);
            volumes[i] = storage.volumeBytes();
            images[i] = storage.imageBytes();
            containers[i] = storage.containerBytes();
            totals[i] = storage.totalBytes();
        }
        Mono<Void> history = db.sql("INSERT INTO storage_measurements (project_id, measured_at, volume_bytes, image_bytes, container_bytes, "
                        + "total_bytes, source) SELECT p, :now, v, i, c, t, :source FROM unnest(CAST(:projects AS text[]), "
                        + "CAST(:volumes AS bigint[]), CAST(:images AS bigint[]), CAST(:containers AS bigint[]), CAST(:totals AS bigint[])) "
                        + "AS m(p, v, i, c, t)")
                .bind("now", now)
                .bind("source", probe.source())
                .bind("projects", projects)
                .bind("volumes", volumes)
                .bind("images", images)
                .bind("containers", containers)
                .bind("totals", totals)
                .then();
        Mono<Void> monthly = db.sql("INSERT INTO project_usage (project_id, year, month, storage_bytes, updated_at) "
                        + "SELECT p, :year, :month, t, :now FROM unnest(CAST(:projects AS text[]), CAST(:totals AS bigint[])) AS m(p, t) "
                        + "ON CONFLICT (project_id, year, month) DO UPDATE SET storage_bytes = EXCLUDED.storage_bytes, "
                        + "updated_at = EXCLUDED.updated_at")
                .bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .bind("now", now)
                .bind("projects", projects)
                .bind("totals", totals)
                .then();
        return history.then(monthly);
    }
}
