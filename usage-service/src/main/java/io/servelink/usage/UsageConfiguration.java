package io.servelink.usage;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UsageConfiguration {

    /** Months and days are UTC everywhere; tests replace the clock to move time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
