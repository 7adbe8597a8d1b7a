package io.servelink.starter.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What one run of a job did. {@code outcome} is {@code completed}, or {@code degraded} when a peer it needs (the Docker
 * engine, say) could not be reached and the run did what it safely could; {@code detail} says why. {@code figures} are
 * counts such as projects measured or rows deleted, keyed in snake_case.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResult(String outcome, String detail, Map<String, Long> figures) {

    public static final String COMPLETED = "completed";
    public static final String DEGRADED = "degraded";

    public JobResult {
        figures = Map.copyOf(figures);
    }

    public static JobResult completed(Map<String, Long> figures) {
        return new JobResult(COMPLETED, null, figures);
    }

    public static JobResult degraded(String detail, Map<String, Long> figures) {
        return new JobResult(DEGRADED, detail, figures);
    }
}
