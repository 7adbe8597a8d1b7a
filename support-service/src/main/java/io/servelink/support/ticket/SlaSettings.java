package io.servelink.support.ticket;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * SLA targets per plan and priority ({@code servelink.support.sla.*}), counted from a ticket's creation. The breach job's
 * schedule is {@code servelink.jobs.sla-breaches.*}, like every job's.
 */
@Validated
@ConfigurationProperties("servelink.support.sla")
public record SlaSettings(@NotNull @Valid PlanTargets free, @NotNull @Valid PlanTargets pro) {

    public record PlanTargets(@NotNull @Valid Target low, @NotNull @Valid Target normal, @NotNull @Valid Target high,
                              @NotNull @Valid Target urgent) {

        Target of(Priority priority) {
            return switch (priority) {
                case LOW -> low;
                case NORMAL -> normal;
                case HIGH -> high;
                case URGENT -> urgent;
            };
        }
    }

    /** Time to the first agent response and to resolution. */
    public record Target(@NotNull Duration firstResponse, @NotNull Duration resolution) {
    }
}
