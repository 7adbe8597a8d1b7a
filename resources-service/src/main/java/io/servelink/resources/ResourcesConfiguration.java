package io.servelink.resources;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring shared by the features: the clock every time decision reads (tests move it). */
@Configuration(proxyBeanMethods = false)
class ResourcesConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
