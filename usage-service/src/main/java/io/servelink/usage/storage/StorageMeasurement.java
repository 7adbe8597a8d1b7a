package io.servelink.usage.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.starter.jobs.Job;
import io.servelink.starter.jobs.JobResult;
import io.servelink.usage.UsageChanged;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * 04:00 UTC: measures every project's disk use through the {@link StorageProbe} and never writes a figure it did not
 * measure. In one transaction:
 * <ul>
 * <li>each project the probe found is <em>measured</em>: a row in {@code storage_measurements}, the month's
 * {@code storage_bytes} set to it, its stale mark cleared;</li>
 * <li>a live project the probe did not find is measured at 0 when the snapshot is complete (every place answered), and
 * is <em>stale</em> otherwise: it keeps its last measurement (carried into a new month), and is marked stale since the
 * first run that missed it ({@code project_storage_status}, and the month's {@code storage_stale_since});</li>
 * <li>when the probe fails (no engine, timeout, open circuit) nothing is measured and every live project is stale.</li>
 * </ul>
 * A partial or failed run answers {@code degraded} with the reason. Figures: {@code projects_found},
 * {@code projects_measured}, {@code projects_stale}, {@code places_failed} (the places the probe could not read; 1 when
 * the whole probe failed). Metrics: gauges {@code servelink.usage.storage.projects{state=measured|stale}} (last run),
 * counter {@code servelink.usage.storage.runs{outcome=complete|partial|failed}}, counter
 * {@code servelink.usage.storage.degraded} (partial and failed runs).
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
    private final Map<Reading.Kind, Counter> runs = new HashMap<>();
    private final AtomicLong lastMeasured = new AtomicLong();
    private final AtomicLong lastStale = new AtomicLong();

    StorageMeasurement(StorageProbe probe, DatabaseClient db, TransactionalOperator transactions, ApplicationEventPublisher events,
                       Clock clock, MeterRegistry registry) {
        this.probe = probe;
        this.db = db;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.degraded = Counter.builder("servelink.usage.storage.degraded").description("Storage runs that answered degraded (partial or failed)")
                .register(registry);
        for (Reading.Kind kind : Reading.Kind.values()) {
            runs.put(kind, Counter.builder("servelink.usage.storage.runs").tag("outcome", kind.tag())
                    .description("Storage measurement runs by outcome").register(registry));
        }
        Gauge.builder("servelink.usage.storage.projects", lastMeasured, AtomicLong::get).tag("state", "measured")
                .description("Projects the last storage run measured").register(registry);
        Gauge.builder("servelink.usage.storage.projects", lastStale, AtomicLong::get).tag("state", "stale")
                .description("Live projects the last storage run could not measure: their figure is the last measurement").register(registry);
    }

    @Override
    public String name() {
        return "storage-measurement";
    }

    @Override
    public Mono<JobResult> run() {
        return probe.measure()
                .map(Reading::of)
                .onErrorResume(error -> Mono.just(Reading.failed(describe(error))))
                .flatMap(reading -> liveProjects().flatMap(live -> store(reading, live)));
    }

    /** What the probe answered: a snapshot (complete or partial), or the reason it measured nothing. */
    private record Reading(Kind kind, Map<String, ProjectStorage> found, List<String> problems) {

        enum Kind {
            COMPLETE, PARTIAL, FAILED;

            String tag() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        static Reading of(StorageSnapshot snapshot) {
            return new Reading(snapshot.complete() ? Kind.COMPLETE : Kind.PARTIAL, snapshot.projects(), snapshot.problems());
        }

        static Reading failed(String reason) {
            return new Reading(Kind.FAILED, Map.of(), List.of(reason));
        }

        long placesFailed() {
            return switch (kind) {
                case COMPLETE -> 0;
                case PARTIAL -> Math.max(1, problems.size());
                case FAILED -> 1;
            };
        }
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private Mono<JobResult> store(Reading reading, List<String> live) {
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        Map<String, ProjectStorage> measured = new HashMap<>(reading.found());
        Set<String> stale = new TreeSet<>();
        for (String project : live) {
            if (measured.containsKey(project)) {
                continue;
            }
            if (reading.kind() == Reading.Kind.COMPLETE) {
                measured.put(project, ProjectStorage.NONE);
            } else {
                stale.add(project);
            }
        }
        Set<String> touched = new HashSet<>(measured.keySet());
        touched.addAll(stale);
        return writeMeasured(measured, now, month)
                .then(markStale(stale, now, month))
                .as(transactions::transactional)
                .then(Mono.fromRunnable(() -> {
                    if (!touched.isEmpty()) {
                        events.publishEvent(UsageChanged.ofProjects(touched));
                    }
                }))
                .then(Mono.fromSupplier(() -> report(reading, measured, stale)));
    }

    private JobResult report(Reading reading, Map<String, ProjectStorage> measured, Set<String> stale) {
        lastMeasured.set(measured.size());
        lastStale.set(stale.size());
        runs.get(reading.kind()).increment();
        Map<String, Long> figures = Map.of(
                "projects_found", (long) reading.found().size(),
                "projects_measured", (long) measured.size(),
                "projects_stale", (long) stale.size(),
                "places_failed", reading.placesFailed(),
                "total_bytes", measured.values().stream().mapToLong(ProjectStorage::totalBytes).sum());
        if (reading.kind() == Reading.Kind.COMPLETE) {
            return JobResult.completed(figures);
        }
        degraded.increment();
        String what = reading.kind() == Reading.Kind.FAILED
                ? "storage probe '" + probe.source() + "' could not measure: " + String.join("; ", reading.problems())
                : "storage probe '" + probe.source() + "' measured part of the projects; could not read: " + String.join("; ", reading.problems());
        String reason = what + "; " + stale.size() + " live project(s) not measured keep their last measurement, marked stale";
        log.warn("Storage measurement degraded: {}", reason);
        return JobResult.degraded(reason, figures);
    }

    private Mono<List<String>> liveProjects() {
        return db.sql("SELECT project_id FROM projects WHERE deleted_at IS NULL")
                .map(row -> row.get("project_id", String.class))
                .all()
                .collectList();
    }

    private Mono<Void> writeMeasured(Map<String, ProjectStorage> all, Instant now, YearMonth month) {
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
        Mono<Void> monthly = db.sql("INSERT INTO project_usage (project_id, year, month, storage_bytes, storage_measured_at, "
                        + "storage_stale_since, updated_at) SELECT p, :year, :month, t, :now, NULL, :now "
                        + "FROM unnest(CAST(:projects AS text[]), CAST(:totals AS bigint[])) AS m(p, t) "
                        + "ON CONFLICT (project_id, year, month) DO UPDATE SET storage_bytes = EXCLUDED.storage_bytes, "
                        + "storage_measured_at = EXCLUDED.storage_measured_at, storage_stale_since = NULL, updated_at = EXCLUDED.updated_at")
                .bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .bind("now", now)
                .bind("projects", projects)
                .bind("totals", totals)
                .then();
        Mono<Void> status = db.sql("INSERT INTO project_storage_status (project_id, measured_at, stale_since, total_bytes, updated_at) "
                        + "SELECT p, :now, NULL, t, :now FROM unnest(CAST(:projects AS text[]), CAST(:totals AS bigint[])) AS m(p, t) "
                        + "ON CONFLICT (project_id) DO UPDATE SET measured_at = EXCLUDED.measured_at, stale_since = NULL, "
                        + "total_bytes = EXCLUDED.total_bytes, updated_at = EXCLUDED.updated_at")
                .bind("now", now)
                .bind("projects", projects)
                .bind("totals", totals)
                .then();
        return history.then(monthly).then(status);
    }

    /**
     * Marks the projects stale since now unless they already are, then gives the month their last measurement (carried
     * over from an earlier month when this month has none) with its time and the stale mark. A project never measured
     * keeps the month's figure (0 unless something else set it).
     */
    private Mono<Void> markStale(Set<String> stale, Instant now, YearMonth month) {
        if (stale.isEmpty()) {
            return Mono.empty();
        }
        String[] projects = stale.toArray(String[]::new);
        Mono<Void> status = db.sql("INSERT INTO project_storage_status (project_id, measured_at, stale_since, updated_at) "
                        + "SELECT p, NULL, :now, :now FROM unnest(CAST(:projects AS text[])) AS m(p) "
                        + "ON CONFLICT (project_id) DO UPDATE SET stale_since = coalesce(project_storage_status.stale_since, EXCLUDED.stale_since), "
                        + "updated_at = EXCLUDED.updated_at")
                .bind("now", now)
                .bind("projects", projects)
                .then();
        Mono<Void> monthly = db.sql("INSERT INTO project_usage (project_id, year, month, storage_bytes, storage_measured_at, "
                        + "storage_stale_since, updated_at) SELECT s.project_id, :year, :month, coalesce(last.total_bytes, 0), "
                        + "last.measured_at, s.stale_since, :now FROM project_storage_status s "
                        + "LEFT JOIN LATERAL (SELECT m.total_bytes, m.measured_at FROM storage_measurements m "
                        + "WHERE m.project_id = s.project_id AND m.measured_at <= :now ORDER BY m.measured_at DESC LIMIT 1) last ON true "
                        + "WHERE s.project_id = ANY(CAST(:projects AS text[])) "
                        + "ON CONFLICT (project_id, year, month) DO UPDATE SET "
                        + "storage_bytes = CASE WHEN EXCLUDED.storage_measured_at IS NULL THEN project_usage.storage_bytes "
                        + "ELSE EXCLUDED.storage_bytes END, storage_measured_at = EXCLUDED.storage_measured_at, "
                        + "storage_stale_since = EXCLUDED.storage_stale_since, updated_at = EXCLUDED.updated_at")
                .bind("year", month.getYear())
                .bind("month", month.getMonthValue())
                .bind("now", now)
                .bind("projects", projects)
                .then();
        return status.then(monthly);
    }
}
