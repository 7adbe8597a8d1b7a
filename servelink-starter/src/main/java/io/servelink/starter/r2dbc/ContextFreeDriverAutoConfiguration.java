package io.servelink.starter.r2dbc;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Wraps the service's R2DBC connection factory in a {@link ContextFreeConnectionFactory}, so the driver's
 * per-message callbacks run without restoring the request's thread-locals. Only matters, and only applies, when
 * Micrometer's context-propagation library is on the classpath; {@code servelink.r2dbc.context-free=false} turns
 * it off (the benchmark's before-and-after).
 */
@AutoConfiguration
@ConditionalOnClass(name = {"io.r2dbc.spi.ConnectionFactory", "io.micrometer.context.ContextRegistry"})
@ConditionalOnProperty(name = "servelink.r2dbc.context-free", havingValue = "true", matchIfMissing = true)
public class ContextFreeDriverAutoConfiguration {

    @Bean
    static BeanPostProcessor contextFreeConnectionFactory() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof ConnectionFactory factory ? ContextFreeConnectionFactory.of(factory) : bean;
            }
        };
    }
}
