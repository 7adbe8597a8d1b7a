package io.servelink.starter.openapi;

import io.servelink.starter.jobs.Job;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The OpenAPI document every service serves, as a contract a client can be generated from: one HTTP bearer (JWT)
 * scheme required globally (open endpoints opt out with an empty {@code @SecurityRequirements}), the RFC 9457
 * {@code Problem} schema, and the problem responses each operation can answer ({@link ProblemResponses}). Only when
 * springdoc is on the classpath.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springdoc.core.customizers.GlobalOpenApiCustomizer")
@EnableConfigurationProperties(OpenApiSettings.class)
public class OpenApiAutoConfiguration {

    /** The name of the bearer scheme in {@code components.securitySchemes}. */
    public static final String BEARER = "bearer";

    @Bean
    @ConditionalOnMissingBean
    OpenAPI servelinkOpenApi(OpenApiSettings settings, @Value("${spring.application.name}") String application) {
        SecurityScheme bearer = new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                .description("A JWT issued by the Servelink identity provider (or the gateway's dev token), sent as "
                        + "`Authorization: Bearer <token>`. Verified as RFC8725 recommends: one fixed signature algorithm per "
                        + "deployment (RS256 through the identity provider's JWKS; HS256 with a shared secret locally), "
                        + "never `none`; expiry and, when configured, the issuer are checked.");
        return new OpenAPI()
                .info(new Info().title("Servelink " + application + " API").version(settings.version())
                        .description(settings.description()))
                .servers(List.of(new Server().url(settings.serverUrl()).description(settings.serverDescription())
                        .extensions(new java.util.LinkedHashMap<>(java.util.Map.of("x-internal", false)))))
                .components(new Components().addSecuritySchemes(BEARER, bearer)
                        .addSchemas(ProblemResponses.PROBLEM, ProblemResponses.problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /**
     * Property names as the services write them: springdoc resolves models with its own (Jackson 2) mapper, which does
     * not see {@code spring.jackson.property-naming-strategy}.
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "spring.jackson.property-naming-strategy", havingValue = "SNAKE_CASE")
    io.swagger.v3.core.jackson.ModelResolver snakeCaseModelResolver() {
        return new io.swagger.v3.core.jackson.ModelResolver(io.swagger.v3.core.util.Json.mapper().copy()
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE));
    }

    /** A 409 problem response on each operation whose handler carries {@link ConflictResponse}. */
    @Bean
    org.springdoc.core.customizers.OperationCustomizer servelinkConflictResponses() {
        return (operation, handler) -> {
            ConflictResponse conflict = handler.getMethodAnnotation(ConflictResponse.class);
            if (conflict != null) {
                operation.getResponses().addApiResponse("409", new io.swagger.v3.oas.models.responses.ApiResponse()
                        .description(conflict.value())
                        .content(new io.swagger.v3.oas.models.media.Content().addMediaType(ProblemResponses.PROBLEM_JSON,
                                new io.swagger.v3.oas.models.media.MediaType().schema(new io.swagger.v3.oas.models.media.Schema<>()
                                        .$ref("#/components/schemas/" + ProblemResponses.PROBLEM)))));
            }
            return operation;
        };
    }

    @Bean
    ProblemResponses servelinkProblemResponses(ObjectProvider<Job> jobs) {
        return new ProblemResponses(() -> jobs.orderedStream().map(Job::name).toList());
    }
}
