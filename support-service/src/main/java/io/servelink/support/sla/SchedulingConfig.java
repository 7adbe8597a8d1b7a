package io.servelink.support.sla;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Cron jobs run unless {@code servelink.support.jobs.scheduling-enabled} is false (tests trigger jobs by hand). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "servelink.support.jobs.scheduling-enabled", havingValue = "true", matchIfMissing = true)
class SchedulingConfig {
}
