package io.servelink.support.ticket;

import java.util.Optional;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** Query parameters take the same wire codes as JSON ({@code status=in_progress}); anything else is a 400. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebFluxConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, TicketStatus.class, code -> known(TicketStatus.fromWire(code)));
        registry.addConverter(String.class, Priority.class, code -> known(Priority.fromWire(code)));
        registry.addConverter(String.class, Category.class, code -> known(Category.fromWire(code)));
    }

    private static <E> E known(Optional<E> constant) {
        return constant.orElseThrow(() -> new IllegalArgumentException("not a known code"));
    }
}
