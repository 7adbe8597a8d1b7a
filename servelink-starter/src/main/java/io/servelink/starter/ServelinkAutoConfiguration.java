package io.servelink.starter;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Wiring every Servelink service shares: Kafka settings and topic names, the event codec, the clock, RFC 9457
 * problem details, and token verification (the gateway checks tokens, and every service checks them again).
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration"})
@EnableConfigurationProperties({KafkaSettings.class, SecuritySettings.class})
public class ServelinkAutoConfiguration {

    /** Paths every service serves without a token: probes, metrics for the scraper, the API description. */
    public static final List<String> ALWAYS_PUBLIC = List.of("/actuator/health", "/actuator/health/**", "/actuator/info",
            "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/webjars/**");

    @Bean
    @ConditionalOnMissingBean
    TopicNames topicNames(KafkaSettings kafka) {
        return kafka.topics();
    }

    /** Kafka client properties: Boot's {@code spring.kafka.*} with the suite's settings and the ones correctness needs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.kafka.autoconfigure.KafkaProperties",
            "org.apache.kafka.clients.admin.Admin"})
    static class KafkaClientsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        KafkaClients kafkaClients(org.springframework.boot.kafka.autoconfigure.KafkaProperties boot, KafkaSettings kafka) {
            return new KafkaClients(boot, kafka);
        }

        /** Missing topics exist before any consumer starts (consumers start with the lifecycle, after singletons). */
        @Bean
        @ConditionalOnProperty(name = "servelink.kafka.provision-topics", havingValue = "true")
        ProvisionedTopics provisionedTopics(KafkaClients kafka) {
            TopicProvisioner.createMissing(kafka, kafka.settings().partitions());
            return new ProvisionedTopics(kafka.topics());
        }
    }

    /** Marker bean: the topics of this namespace exist. */
    public record ProvisionedTopics(TopicNames names) {
    }

    /** Trace context across Kafka headers, when Micrometer Tracing is on the classpath (tracer resolved lazily). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.tracing.Tracer", "org.apache.kafka.clients.consumer.ConsumerRecord"})
    static class KafkaTracing {

        @Bean
        @ConditionalOnMissingBean
        io.servelink.starter.kafka.TraceHeaders traceHeaders(
                org.springframework.beans.factory.ObjectProvider<io.micrometer.tracing.Tracer> tracer,
                org.springframework.beans.factory.ObjectProvider<io.micrometer.tracing.propagation.Propagator> propagator) {
            return io.servelink.starter.kafka.TraceHeaders.of(tracer, propagator);
        }
    }

    /** The one source of time every service injects (UTC); tests replace it to move time. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    /**
     * Enums in JSON are their wire codes only ({@link io.servelink.contracts.WireCode}): Jackson would otherwise take a
     * number as a constant's index.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer")
    static class Json {

        @Bean
        org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer enumsByWireCodeOnly() {
            return builder -> builder.enable(tools.jackson.databind.cfg.EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        }
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnMissingBean
    ProblemDetailsAdvice problemDetailsAdvice() {
        return new ProblemDetailsAdvice();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ServerHttpSecurity.class, NimbusReactiveJwtDecoder.class})
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @EnableWebFluxSecurity
    static class TokenSecurity {

        @Bean
        @ConditionalOnMissingBean
        ReactiveJwtDecoder jwtDecoder(SecuritySettings settings,
                                      org.springframework.beans.factory.ObjectProvider<WebClient.Builder> webClients) {
            NimbusReactiveJwtDecoder decoder;
            if (settings.jwkSetUri() != null) {
                // the key set is fetched with Boot's WebClient where the service has one (observed like every client)
                decoder = NimbusReactiveJwtDecoder.withJwkSetUri(settings.jwkSetUri().toString())
                        .webClient(webClients.getIfAvailable(WebClient::builder).build())
                        .jwsAlgorithm(SignatureAlgorithm.RS256).build();
            } else if (settings.hmacSecret() != null && settings.hmacSecret().getBytes(StandardCharsets.UTF_8).length >= 32) {
                decoder = NimbusReactiveJwtDecoder.withSecretKey(hmacKey(settings.hmacSecret()))
                        .macAlgorithm(MacAlgorithm.HS256).build();
            } else {
                throw new IllegalStateException("Set servelink.security.jwk-set-uri (RS256) or servelink.security.hmac-secret "
                        + "(HS256, at least 32 bytes) to verify user tokens");
            }
            if (settings.issuer() != null && !settings.issuer().isBlank()) {
                decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(settings.issuer()));
            }
            return new VerifiedTokenCache(decoder, Clock.systemUTC(), 10_000);
        }

        @Bean
        @ConditionalOnMissingBean
        TeamGuard teamGuard() {
            return new TeamGuard();
        }

        @Bean
        @ConditionalOnMissingBean
        SecurityWebFilterChain servelinkSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder, SecuritySettings settings) {
            List<String> publicPaths = new ArrayList<>(ALWAYS_PUBLIC);
            publicPaths.addAll(settings.publicPaths());
            return statelessTokenChain(http, decoder)
                    .authorizeExchange(exchanges -> exchanges
                            .pathMatchers(publicPaths.toArray(String[]::new)).permitAll()
                            .anyExchange().authenticated())
                    .build();
        }
    }

    /** A stateless chain that accepts bearer tokens and answers 401/403 as problem+json. */
    public static ServerHttpSecurity statelessTokenChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtDecoder(decoder))
                        .authenticationEntryPoint(problemEntryPoint())
                        .accessDeniedHandler(problemAccessDenied()))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(problemEntryPoint())
                        .accessDeniedHandler(problemAccessDenied()));
    }

    public static SecretKeySpec hmacKey(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private static ServerAuthenticationEntryPoint problemEntryPoint() {
        return (exchange, e) -> ProblemWriter.unauthenticated(exchange, describe(e));
    }

    private static ServerAccessDeniedHandler problemAccessDenied() {
        return (exchange, e) -> ProblemWriter.forbidden(exchange, "You may not do this");
    }

    private static String describe(AuthenticationException e) {
        return e instanceof OAuth2AuthenticationException ? "The bearer token is invalid or expired"
                : "A bearer token is required";
    }
}
