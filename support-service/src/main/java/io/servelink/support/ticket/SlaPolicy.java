package io.servelink.support.ticket;

import java.time.Instant;
import org.springframework.stereotype.Component;

/** Due times of a ticket from its plan, priority and creation time. */
@Component
public class SlaPolicy {

    public record DueTimes(Instant firstResponseDueAt, Instant resolutionDueAt) {
    }

    private final SlaSettings properties;

    SlaPolicy(SlaSettings properties) {
        this.properties = properties;
    }

    public DueTimes dueTimes(String plan, Priority priority, Instant createdAt) {
        SlaSettings.Target target = ("pro".equals(plan) ? properties.pro() : properties.free()).of(priority);
        return new DueTimes(createdAt.plus(target.firstResponse()), createdAt.plus(target.resolution()));
    }
}
