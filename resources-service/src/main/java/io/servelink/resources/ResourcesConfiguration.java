package io.servelink.resources;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Wiring shared by the features: scheduling. */
@Configuration(proxyBeanMethods = false)
class ResourcesConfiguration {

    /** The 05:00 UTC job; tests switch it off with {@code servelink.resources.scheduling-enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnProperty(name = "servelink.resources.scheduling-enabled", havingValue = "true", matchIfMissing = true)
    static class Scheduling {
    }
}
