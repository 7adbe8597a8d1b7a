package io.servelink.usage.api;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.contracts.validation.Slug;
import io.swagger.v3.oas.annotations.media.Schema;
import io.servelink.usage.api.AnalyticsQueries.DayLevel;
import io.servelink.usage.api.AnalyticsQueries.MonthTotals;
import io.servelink.usage.api.AnalyticsQueries.ProjectDay;
import io.servelink.usage.api.AnalyticsResponses.Comparison;
import io.servelink.usage.api.AnalyticsResponses.DailySeries;
import io.servelink.usage.api.AnalyticsResponses.Day;
import io.servelink.usage.api.AnalyticsResponses.Forecast;
import io.servelink.usage.api.AnalyticsResponses.MetricForecast;
import io.servelink.usage.api.AnalyticsResponses.MonthPoint;
import io.servelink.usage.api.AnalyticsResponses.ProjectShare;
import io.servelink.usage.api.AnalyticsResponses.Trend;
import io.servelink.usage.api.UsageResponses.Percent;
import io.servelink.usage.api.UsageResponses.ProjectUsage;
import io.servelink.usage.limits.TeamLimits;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@RestController
@RequestMapping("/api/usage/{team_slug}")
@Tag(name = "Usage analytics", description = "Series, trends, forecasts, comparisons and exports of a team's usage (any team member)")
class AnalyticsController {

    static final int MAX_TREND_MONTHS = 36;
    private static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final UsageQueries usage;
    private final AnalyticsQueries analytics;
    private final TeamGuard guard;
    private final Clock clock;

    AnalyticsController(UsageQueries usage, AnalyticsQueries analytics, TeamGuard guard, Clock clock) {
        this.usage = usage;
        this.analytics = analytics;
        this.guard = guard;
        this.clock = clock;
    }

    @GetMapping("/daily")
    @Operation(summary = "The team's traffic for every day of a month, zeros included")
    Mono<DailySeries> daily(@PathVariable("team_slug") @Slug String teamSlug,
                             @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM, default the current UTC month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month) {
        YearMonth period = Months.parse(month, clock);
        return guard.member(teamSlug).then(dailySeries(teamSlug, period));
    }

    @GetMapping("/trend")
    @Operation(summary = "The team's monthly totals over the last N months (1..36, default 12), the current month last")
    Mono<Trend> trend(@PathVariable("team_slug") @Slug String teamSlug,
                      @Parameter(description = "how many months, 1..36", schema = @Schema(type = "string", pattern = "^[0-9]{1,2}$", maxLength = 2)) @RequestParam(name = "months", required = false) String months) {
        int count = monthsParam(months);
        YearMonth to = YearMonth.now(clock);
        YearMonth from = to.minusMonths(count - 1L);
        return guard.member(teamSlug)
                .then(analytics.monthTotals(teamSlug, from, to).collectMap(MonthTotals::month))
                .map(found -> {
                    List<MonthPoint> points = new ArrayList<>();
                    for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
                        MonthTotals t = found.getOrDefault(m, new MonthTotals(m, 0, 0, 0));
                        points.add(new MonthPoint(m.toString(), DataSize.of(t.trafficBytes()), DataSize.of(t.storageBytes()), t.requests()));
                    }
                    return new Trend(teamSlug, points);
                });
    }

    @GetMapping("/forecast")
    @Operation(summary = "Month-end projection of the current UTC month's traffic and storage, against the limits")
    Mono<Forecast> forecast(@PathVariable("team_slug") @Slug String teamSlug) {
        Instant now = clock.instant();
        YearMonth month = YearMonth.now(clock);
        return guard.member(teamSlug)
                .then(Mono.zip(usage.teamMonth(teamSlug, month), analytics.storageLevels(teamSlug, month).collectList()))
                .map(found -> forecast(teamSlug, month, now, found.getT1().projects(), found.getT1().limits(), found.getT2()));
    }

    @GetMapping("/projects/compare")
    @Operation(summary = "The team's projects side by side in a month, with their shares of traffic and storage")
    Mono<Comparison> compare(@PathVariable("team_slug") @Slug String teamSlug,
                              @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM, default the current UTC month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month) {
        YearMonth period = Months.parse(month, clock);
        return guard.member(teamSlug)
                .then(usage.projectsOfTeam(teamSlug, period))
                .map(projects -> comparison(teamSlug, period, projects.stream().map(UsageQueries.ProjectMonth::usage).toList()));
    }

    @GetMapping(value = "/export.csv", produces = "text/csv")
    @Operation(summary = "The month as CSV: one row per project and day, zeros included")
    Mono<ResponseEntity<String>> exportCsv(@PathVariable("team_slug") @Slug String teamSlug,
                                            @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM, default the current UTC month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month) {
        YearMonth period = Months.parse(month, clock);
        return guard.member(teamSlug)
                .then(Mono.zip(usage.projectsOfTeam(teamSlug, period), analytics.projectDays(teamSlug, period).collectList()))
                .map(found -> ResponseEntity.ok()
                        .contentType(CSV)
                        .header(HttpHeaders.CONTENT_DISPOSITION, attachment("usage-" + teamSlug + "-" + period + ".csv"))
                        .body(UsageCsv.render(period, found.getT1(), found.getT2())));
    }

    @GetMapping(value = "/report.pdf", produces = MediaType.APPLICATION_PDF_VALUE)
    @Operation(summary = "The month as a PDF report: totals against limits, projects, daily traffic")
    Mono<ResponseEntity<byte[]>> reportPdf(@PathVariable("team_slug") @Slug String teamSlug,
                                            @RequestParam(name = "month", required = false) @Parameter(description = "YYYY-MM, default the current UTC month", schema = @Schema(type = "string", pattern = "^\\d{4}-\\d{2}$", maxLength = 7, example = "2026-11")) String month) {
        YearMonth period = Months.parse(month, clock);
        return guard.member(teamSlug)
                .then(Mono.zip(usage.teamMonth(teamSlug, period), dailySeries(teamSlug, period)))
                .flatMap(found -> Mono.fromCallable(() -> UsageReportPdf.render(
                                UsageController.teamTotals(teamSlug, period, found.getT1()),
                                found.getT2().days(), clock.instant()))
                        .subscribeOn(Schedulers.boundedElastic()))
                .map(pdf -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_PDF)
                        .header(HttpHeaders.CONTENT_DISPOSITION, attachment("usage-" + teamSlug + "-" + period + ".pdf"))
                        .body(pdf));
    }

    private Mono<DailySeries> dailySeries(String teamSlug, YearMonth month) {
        return analytics.projectDays(teamSlug, month).collectList().map(projectDays -> {
            Map<LocalDate, List<ProjectDay>> byDay = projectDays.stream().collect(Collectors.groupingBy(ProjectDay::day));
            List<Day> days = new ArrayList<>();
            long traffic = 0;
            long requests = 0;
            for (LocalDate day = month.atDay(1); !day.isAfter(month.atEndOfMonth()); day = day.plusDays(1)) {
                List<ProjectDay> of = byDay.getOrDefault(day, List.of());
                long dayTraffic = of.stream().mapToLong(ProjectDay::trafficBytes).sum();
                long dayRequests = of.stream().mapToLong(ProjectDay::requests).sum();
                traffic += dayTraffic;
                requests += dayRequests;
                days.add(new Day(day, DataSize.of(dayTraffic), dayRequests));
            }
            return new DailySeries(teamSlug, month.toString(), DataSize.of(traffic), requests, days);
        });
    }

    private static Forecast forecast(String teamSlug, YearMonth month, Instant now, List<ProjectUsage> projects, TeamLimits limits,
                                     List<DayLevel> levels) {
        long traffic = projects.stream().mapToLong(p -> p.traffic().bytes()).sum();
        long storage = projects.stream().mapToLong(p -> p.storage().bytes()).sum();
        long trafficEnd = Forecasts.trafficAtMonthEnd(traffic, now, month);
        TreeMap<LocalDate, Long> daily = new TreeMap<>();
        levels.forEach(level -> daily.put(level.day(), level.bytes()));
        long storageEnd = daily.isEmpty() ? storage : Forecasts.storageAtMonthEnd(daily, month);
        return new Forecast(teamSlug, month.toString(), now,
                metric("linear: month-to-date traffic at the month-to-date rate until the month ends", traffic, trafficEnd,
                        limits.trafficBytesPerMonth()),
                metric("least squares line through the month's daily storage levels, read at the last day", storage, storageEnd,
                        limits.storageBytes()));
    }

    private static MetricForecast metric(String method, long current, long projected, long limit) {
        return new MetricForecast(method, DataSize.of(current), DataSize.of(projected), DataSize.of(limit), Percent.of(projected, limit),
                limit > 0 && projected > limit);
    }

    private static Comparison comparison(String teamSlug, YearMonth month, List<ProjectUsage> projects) {
        long traffic = projects.stream().mapToLong(p -> p.traffic().bytes()).sum();
        long storage = projects.stream().mapToLong(p -> p.storage().bytes()).sum();
        long requests = projects.stream().mapToLong(ProjectUsage::requests).sum();
        List<ProjectShare> shares = projects.stream()
                .sorted(Comparator.comparingLong((ProjectUsage p) -> p.traffic().bytes()).reversed().thenComparing(ProjectUsage::projectId))
                .map(p -> new ProjectShare(p.projectId(), p.status(), p.traffic(), AnalyticsResponses.share(p.traffic().bytes(), traffic),
                        p.storage(), AnalyticsResponses.share(p.storage().bytes(), storage), p.requests()))
                .toList();
        return new Comparison(teamSlug, month.toString(), DataSize.of(traffic), DataSize.of(storage), requests, shares);
    }

    private static int monthsParam(String months) {
        if (months == null || months.isBlank()) {
            return 12;
        }
        try {
            int count = Integer.parseInt(months);
            if (count >= 1 && count <= MAX_TREND_MONTHS) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below with the parameter's name
        }
        throw ApiProblem.invalid("months", "must be a whole number of months from 1 to " + MAX_TREND_MONTHS);
    }

    private static String attachment(String filename) {
        return ContentDisposition.attachment().filename(filename).build().toString();
    }
}
