package io.servelink.usage.api;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** Reads series for the analytics endpoints; a team's projects are those the projects topic maps to it. */
@Component
class AnalyticsQueries {

    private final DatabaseClient db;

    AnalyticsQueries(DatabaseClient db) {
        this.db = db;
    }

    record ProjectDay(String projectId, LocalDate day, long trafficBytes, long requestBytes, long responseBytes, long requests) {
    }

    record MonthTotals(YearMonth month, long trafficBytes, long storageBytes, long requests) {
    }

    record DayLevel(LocalDate day, long bytes) {
    }

    /** The team's daily traffic per project in the month (days without traffic are absent). */
    Flux<ProjectDay> projectDays(String teamSlug, YearMonth month) {
        return db.sql("SELECT u.project_id, u.day, u.traffic_bytes, u.request_bytes, u.response_bytes, u.requests "
                        + "FROM project_usage_daily u JOIN projects p ON p.project_id = u.project_id "
                        + "WHERE p.team_slug = :team AND u.day BETWEEN :first AND :last ORDER BY u.day, u.project_id")
                .bind("team", teamSlug)
                .bind("first", month.atDay(1))
                .bind("last", month.atEndOfMonth())
                .map(row -> new ProjectDay(row.get("project_id", String.class), row.get("day", LocalDate.class),
                        longOf(row, "traffic_bytes"), longOf(row, "request_bytes"), longOf(row, "response_bytes"), longOf(row, "requests")))
                .all();
    }

    /** The team's monthly totals from {@code from} to {@code to} (months without usage are absent). */
    Flux<MonthTotals> monthTotals(String teamSlug, YearMonth from, YearMonth to) {
        return db.sql("SELECT u.year, u.month, sum(u.traffic_bytes) AS traffic_bytes, sum(u.storage_bytes) AS storage_bytes, "
                        + "sum(u.requests) AS requests FROM project_usage u JOIN projects p ON p.project_id = u.project_id "
                        + "WHERE p.team_slug = :team AND u.year * 12 + u.month BETWEEN :from AND :to GROUP BY u.year, u.month")
                .bind("team", teamSlug)
                .bind("from", from.getYear() * 12 + from.getMonthValue())
                .bind("to", to.getYear() * 12 + to.getMonthValue())
                .map(row -> new MonthTotals(YearMonth.of(row.get("year", Integer.class), row.get("month", Integer.class)),
                        longOf(row, "traffic_bytes"), longOf(row, "storage_bytes"), longOf(row, "requests")))
                .all();
    }

    /** The team's storage level per day of the month: the sum of each project's last measurement that day. */
    Flux<DayLevel> storageLevels(String teamSlug, YearMonth month) {
        Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return db.sql("SELECT day, sum(total_bytes) AS bytes FROM (SELECT DISTINCT ON (m.project_id, (m.measured_at AT TIME ZONE 'UTC')::date) "
                        + "(m.measured_at AT TIME ZONE 'UTC')::date AS day, m.total_bytes FROM storage_measurements m "
                        + "JOIN projects p ON p.project_id = m.project_id WHERE p.team_slug = :team AND m.measured_at >= :from "
                        + "AND m.measured_at < :to ORDER BY m.project_id, (m.measured_at AT TIME ZONE 'UTC')::date, m.measured_at DESC) levels "
                        + "GROUP BY day ORDER BY day")
                .bind("team", teamSlug)
                .bind("from", from)
                .bind("to", to)
                .map(row -> new DayLevel(row.get("day", LocalDate.class), longOf(row, "bytes")))
                .all();
    }

    private static long longOf(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }
}
