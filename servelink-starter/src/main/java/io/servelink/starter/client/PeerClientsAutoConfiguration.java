package io.servelink.starter.client;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/** {@link PeerClients} for services with a WebClient and Resilience4j. */
@AutoConfiguration
@ConditionalOnClass({WebClient.class, CircuitBreakerOperator.class, CircuitBreakerRegistry.class, RetryRegistry.class,
        TimeLimiterRegistry.class})
public class PeerClientsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PeerClients peerClients(ObjectProvider<WebClient.Builder> builders, ObjectProvider<JsonMapper> json,
                            ObjectProvider<CircuitBreakerRegistry> breakers, ObjectProvider<TimeLimiterRegistry> timeLimiters,
                            ObjectProvider<RetryRegistry> retries) {
        return new PeerClients(() -> builders.getIfAvailable(() -> {
            throw new IllegalStateException("No WebClient.Builder: add org.springframework.boot:spring-boot-starter-webclient");
        }), json.getIfAvailable(), breakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
                timeLimiters.getIfAvailable(TimeLimiterRegistry::ofDefaults), retries.getIfAvailable(RetryRegistry::ofDefaults));
    }
}
