package io.servelink.starter;

import io.servelink.contracts.validation.Slug;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A parameter constraint (method validation: {@code HandlerMethodValidationException}) and a body constraint (the
 * body's resolver: {@code WebExchangeBindException}) answer the same RFC 9457 problem naming the field.
 */
class ValidationProblemsTest {

    record Registration(@NotNull @Slug String projectId, @Max(10) Integer quantity) {
    }

    @RestController
    static class Teams {

        @GetMapping("/teams/{team_slug}")
        Mono<String> team(@PathVariable("team_slug") @Slug String team, @RequestParam(name = "owner", required = false) @Slug String owner) {
            return Mono.just(team);
        }

        /** The body is validated when the handler subscribes to it. */
        @PostMapping("/teams/{team_slug}/projects")
        Mono<String> register(@PathVariable("team_slug") @Slug String team, @Valid @RequestBody Mono<Registration> body) {
            return body.map(Registration::projectId);
        }

        /** A plain body next to a constrained parameter is validated with the parameters. */
        @PostMapping("/teams/{team_slug}/plain")
        Mono<String> plain(@PathVariable("team_slug") @Slug String team, @Valid @RequestBody Registration body) {
            return Mono.just(body.projectId());
        }
    }

    private final WebTestClient client = WebTestClient.bindToController(new Teams())
            .controllerAdvice(new ProblemDetailsAdvice())
            .validator(validator())
            .build();

    private static LocalValidatorFactoryBean validator() {
        LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
        validator.afterPropertiesSet();
        return validator;
    }

    @Test
    void aSlugPathVariableIsCheckedWithTheOneRule() {
        client.get().uri("/teams/acme-web").exchange().expectStatus().isOk();
        client.get().uri("/teams/acme-").exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://problems.servelink.io/validation")
                .jsonPath("$.errors.length()").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo("team_slug")
                .jsonPath("$.errors[0].message").isEqualTo(
                        "must be 1-63 lower-case letters, digits or inner hyphens, starting and ending with a letter or digit");
        client.get().uri("/teams/acme?owner=Not_A_Slug").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("owner");
    }

    @Test
    void aBodyReadOnSubscribeNamesItsField() {
        post("/teams/acme/projects", "{\"projectId\": \"web\"}").expectStatus().isOk();
        post("/teams/acme/projects", "{\"projectId\": \"web-\", \"quantity\": 11}").expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://problems.servelink.io/validation")
                .jsonPath("$.errors[?(@.field == 'project_id')]").exists()
                .jsonPath("$.errors[?(@.field == 'quantity')]").exists();
    }

    @Test
    void aPlainBodyValidatedWithTheParametersNamesItsFieldToo() {
        post("/teams/acme/plain", "{\"projectId\": \"web-\"}").expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://problems.servelink.io/validation")
                .jsonPath("$.errors.length()").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo("project_id");
        post("/teams/Acme/plain", "{\"projectId\": \"web\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("team_slug");
    }

    private WebTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }
}
