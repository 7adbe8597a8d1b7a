package io.servelink.starter.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One attempt to run a job: {@code ran} is false when another replica held its lock (then there is no result); the
 * operator trigger answers it when the job ran.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRun(String job, boolean ran, Instant startedAt, Instant finishedAt, JobResult result) {

    /** The details of the {@code job.triggered} audit line: ran, outcome and figures. */
    Map<String, Object> auditDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ran", ran);
        if (result != null) {
            details.put("outcome", result.outcome());
            details.putAll(result.figures());
        }
        return details;
    }
}
