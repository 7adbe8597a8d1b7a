package io.servelink.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.gateway.ingress.IngressHosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** Rate limits; {@code servelink.gateway.rate-limits.enabled=false} removes both filters. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "servelink.gateway.rate-limits.enabled", havingValue = "true", matchIfMissing = true)
class RateLimitConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

    @Bean
    TokenBuckets rateLimitBuckets(RateLimitSettings settings, Environment environment,
                                  ObjectProvider<ReactiveStringRedisTemplate> redis, MeterRegistry meters) {
        InMemoryTokenBuckets memory = new InMemoryTokenBuckets(settings.maxMemoryKeys(), System::nanoTime);
        boolean useRedis = switch (settings.backend()) {
            case MEMORY -> false;
            case REDIS -> true;
            case AUTO -> environment.containsProperty("spring.data.redis.host") || environment.containsProperty("spring.data.redis.url");
        };
        if (!useRedis) {
            log.info("Rate limits kept in memory (per replica)");
            return memory;
        }
        ReactiveStringRedisTemplate template = redis.getIfAvailable();
        if (template == null) {
            throw new IllegalStateException("servelink.gateway.rate-limits: Redis is configured but no Redis client is available");
        }
        log.info("Rate limits kept in Redis (keys {}*), in memory while Redis fails", settings.redisKeyPrefix());
        return new RedisTokenBuckets(template, settings.redisKeyPrefix(), settings.redisTimeout(), memory, meters);
    }

    @Bean
    RateLimitFilters.PerAddress perAddressRateLimit(TokenBuckets buckets, RateLimitSettings settings, MeterRegistry meters) {
        return new RateLimitFilters.PerAddress(buckets, settings, meters);
    }

    @Bean
    RateLimitFilters.PerTeam perTeamRateLimit(TokenBuckets buckets, RateLimitSettings settings, IngressHosts ingress,
                                              MeterRegistry meters) {
        return new RateLimitFilters.PerTeam(buckets, settings, ingress, meters);
    }
}
