package io.servelink.starter.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.jobs.<job>.*}: one job's schedule and lock.
 *
 * @param enabled        whether it runs on its schedule (an operator's trigger works regardless)
 * @param cron           when it runs: a Spring cron expression (second minute hour day month weekday), in UTC
 * @param lockAtMostFor  how long a replica that died mid-run keeps the lock; longer than any run
 * @param lockAtLeastFor how long a scheduled run keeps the lock even when it ends sooner, so that replicas whose
 *                       clocks fire a little later skip the slot instead of running it again
 */
public record JobSettings(@DefaultValue("true") boolean enabled, String cron, @DefaultValue("30m") Duration lockAtMostFor,
                          @DefaultValue("30s") Duration lockAtLeastFor) {
}
