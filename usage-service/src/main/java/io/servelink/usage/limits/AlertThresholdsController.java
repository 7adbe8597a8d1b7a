package io.servelink.usage.limits;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import io.servelink.usage.UsageChanged;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/usage/{team_slug}/alert-thresholds")
@Tag(name = "Usage alerts", description = "Percent-of-limit thresholds that raise a usage alert")
class AlertThresholdsController {

    static final int MAX_CUSTOM = 10;
    /** Entries a request may list: the team's own plus the fixed ones; a longer list can only repeat values. */
    static final int MAX_ENTRIES = 13;

    private final AlertThresholds thresholds;
    private final TeamGuard guard;
    private final ApplicationEventPublisher events;

    AlertThresholdsController(AlertThresholds thresholds, TeamGuard guard, ApplicationEventPublisher events) {
        this.thresholds = thresholds;
        this.guard = guard;
        this.events = events;
    }

    /** The team's thresholds: {@code fixed} always apply, {@code custom} are the team's own, {@code effective} both. */
    record AlertThresholdsView(String teamSlug, SortedSet<Integer> fixed, SortedSet<Integer> custom, SortedSet<Integer> effective) {

        static AlertThresholdsView of(String teamSlug, SortedSet<Integer> custom) {
            return new AlertThresholdsView(teamSlug, AlertThresholds.FIXED, custom, AlertThresholds.withFixed(custom));
        }
    }

    /** Whole numbers 1..100; the fixed 80, 95 and 100 may be listed and are always on. */
    record AlertThresholdsRequest(
            @ArraySchema(maxItems = MAX_ENTRIES, schema = @Schema(type = "integer", minimum = "1", maximum = "100")) List<Object> thresholds) {
    }

    @GetMapping
    @Operation(summary = "The team's alert thresholds in percent of a limit (any team member)")
    Mono<AlertThresholdsView> get(@PathVariable("team_slug") @Slug String teamSlug) {
        return guard.member(teamSlug)
                .then(thresholds.custom(teamSlug))
                .map(custom -> AlertThresholdsView.of(teamSlug, custom));
    }

    @PutMapping
    @Operation(summary = "Replaces the team's own thresholds, e.g. [50] (owner or admin); 80, 95 and 100 always apply")
    Mono<AlertThresholdsView> replace(@PathVariable("team_slug") @Slug String teamSlug, @RequestBody Mono<AlertThresholdsRequest> body,
                                      ServerHttpRequest http) {
        // the body is read (and checked) only once the caller may change the team's settings
        return guard.billingManager(teamSlug)
                .flatMap(manager -> body.map(AlertThresholdsController::validated)
                        .flatMap(custom -> thresholds.replace(teamSlug, custom, actor(manager), RequestOrigin.of(http))))
                .doOnNext(custom -> events.publishEvent(UsageChanged.ofTeam(teamSlug)))
                .map(custom -> AlertThresholdsView.of(teamSlug, custom));
    }

    private static SortedSet<Integer> validated(AlertThresholdsRequest request) {
        if (request == null || request.thresholds() == null) {
            throw ApiProblem.invalid("thresholds", "is required: a list of whole percentages 1..100, e.g. [50]");
        }
        if (request.thresholds().size() > MAX_ENTRIES) {
            throw ApiProblem.invalid("thresholds", "at most " + MAX_ENTRIES + " entries (up to " + MAX_CUSTOM + " of the team's own plus 80, 95 and 100)");
        }
        SortedSet<Integer> values = new TreeSet<>();
        for (Object value : request.thresholds()) {
            if (!(value instanceof Integer percent) || percent < 1 || percent > 100) {
                throw ApiProblem.invalid("thresholds", "every threshold must be a whole percentage from 1 to 100; got " + value);
            }
            values.add(percent);
        }
        values.removeAll(AlertThresholds.FIXED);
        if (values.size() > MAX_CUSTOM) {
            throw ApiProblem.invalid("thresholds", "at most " + MAX_CUSTOM + " thresholds besides 80, 95 and 100");
        }
        return values;
    }

    private static String actor(ServelinkClaims claims) {
        return claims.subject();
    }
}
