package io.servelink.starter.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.jobs.*}: what applies to every job of the service; each job's own keys are
 * {@code servelink.jobs.<job>.*} ({@link JobSettings}).
 *
 * @param enabled     whether jobs run on their schedules at all (tests switch it off; operators can still trigger)
 * @param triggerPath where operators run a job now: {@code POST <trigger-path>/<job>}
 */
@ConfigurationProperties("servelink.jobs")
public record JobsSettings(@DefaultValue("true") boolean enabled, String triggerPath) {
}
