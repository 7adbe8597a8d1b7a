package io.servelink.support.ticket;

import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** Query parameters take the same lower-case codes as JSON ({@code status=in_progress}). */
@Configuration(proxyBeanMethods = false)
class WebConfig implements WebFluxConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, TicketStatus.class, TicketStatus::fromCode);
        registry.addConverter(String.class, Priority.class, Priority::fromCode);
        registry.addConverter(String.class, Category.class, Category::fromCode);
    }
}
