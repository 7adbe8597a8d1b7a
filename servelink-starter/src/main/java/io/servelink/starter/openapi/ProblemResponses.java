package io.servelink.starter.openapi;

import io.servelink.contracts.validation.Slug;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.http.HttpHeaders;

/**
 * Makes every operation of the document say what it can answer besides success, as {@code application/problem+json}
 * {@code Problem}s: 400 when it takes input, 401 and 403 when it needs a token (the token filter and the role checks),
 * 404 when a path names something, 429 (the gateway's rate limits, with {@code Retry-After}), 500, and 503 (its
 * database or a peer down, with {@code Retry-After}). A 409 is declared by the operation ({@code @ApiResponse}) where a
 * state conflict can happen, and here for the operator's job trigger (another replica holds the lock); any declared
 * error response without a body gets the {@code Problem} body. Slug path parameters ({@code team_slug},
 * {@code project_id}) get the slug schema {@link Slug} enforces; the job trigger's {@code job} the
 * names of the jobs. The {@code Authorization} header is the security scheme, not a parameter.
 */
public class ProblemResponses implements GlobalOpenApiCustomizer {

    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";
    /** Path parameters carrying {@link Slug}. */
    static final Set<String> SLUG_PARAMETERS = Set.of("team_slug", "project_id");
    private static final String SLUG_PATTERN = "^" + Slug.PATTERN + "$";
    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "400", "Invalid request: a parameter or the body failed validation (`errors` names the fields)",
            "401", "No bearer token, or an invalid or expired one",
            "403", "The caller may not do this: not a member of the team, or not the role it needs",
            "404", "Not found, including another team's resources",
            "409", "The resource's state forbids this",
            "429", "Rate limited by the gateway; retry after `Retry-After` seconds",
            "500", "Unexpected failure; the body carries no details",
            "503", "A dependency (the database or a peer service) is unavailable; retry after `Retry-After` seconds");

    private final Supplier<List<String>> jobNames;

    ProblemResponses(Supplier<List<String>> jobNames) {
        this.jobNames = jobNames;
    }

    /** RFC 9457 problem details as every service writes them. */
    static Schema<?> problemSchema() {
        Schema<?> error = new ObjectSchema()
                .addProperty("field", new StringSchema().description("The failing field or parameter, snake_case"))
                .addProperty("message", new StringSchema().description("What is wrong with it"));
        return new ObjectSchema().description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().format("uri").description("Stable URI of the problem type, "
                        + "under https://problems.servelink.io/"))
                .addProperty("title", new StringSchema().description("Short summary of the problem type"))
                .addProperty("status", new IntegerSchema().minimum(java.math.BigDecimal.valueOf(400))
                        .maximum(java.math.BigDecimal.valueOf(599)).description("The HTTP status"))
                .addProperty("detail", new StringSchema().description("What happened in this occurrence"))
                .addProperty("instance", new StringSchema().format("uri-reference").description("The request path"))
                .addProperty("errors", new ArraySchema().items(error).description("The failing fields, for a 400 validation problem"))
                .required(List.of("type", "title", "status"));
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new io.swagger.v3.oas.models.Components());
        }
        openApi.getComponents().addSchemas(PROBLEM, problemSchema());
        if (openApi.getComponents().getSchemas() != null) {
            openApi.getComponents().getSchemas().values().forEach(ProblemResponses::constrainSchema);
        }
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> customise(path, method, operation)));
    }

    private void customise(String path, PathItem.HttpMethod method, Operation operation) {
        if (operation.getParameters() != null) {
            operation.getParameters().removeIf(p -> "header".equals(p.getIn()) && HttpHeaders.AUTHORIZATION.equalsIgnoreCase(p.getName()));
            operation.getParameters().forEach(this::constrain);
            if (operation.getParameters().isEmpty()) {
                operation.setParameters(null);
            }
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        boolean input = operation.getRequestBody() != null || operation.getParameters() != null;
        boolean secured = operation.getSecurity() == null || !operation.getSecurity().isEmpty();
        boolean bearer = operation.getSecurity() == null
                || operation.getSecurity().stream().anyMatch(r -> r.containsKey(OpenApiAutoConfiguration.BEARER));
        boolean names = operation.getParameters() != null && operation.getParameters().stream().anyMatch(p -> "path".equals(p.getIn()));
        if (input) {
            problem(responses, "400");
        }
        if (secured) {
            problem(responses, "401");
        }
        if (bearer) {
            problem(responses, "403");
        }
        if (names) {
            problem(responses, "404");
        }
        if (isJobTrigger(operation)) {
            problem(responses, "409").description("Another replica is running the job, or has just run it");
        }
        retryAfter(problem(responses, "429"));
        problem(responses, "500");
        retryAfter(problem(responses, "503"));
        responses.forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                if (response.getContent() == null || response.getContent().isEmpty()) {
                    response.setContent(problemContent());
                }
                if (response.getDescription() == null || response.getDescription().isBlank()) {
                    response.setDescription(DESCRIPTIONS.getOrDefault(status, "Problem"));
                }
            }
        });
    }

    private static ApiResponse problem(ApiResponses responses, String status) {
        return responses.computeIfAbsent(status, s -> new ApiResponse().description(DESCRIPTIONS.get(s)).content(problemContent()));
    }

    private static void retryAfter(ApiResponse response) {
        response.addHeaderObject(HttpHeaders.RETRY_AFTER, new Header().description("Seconds to wait before retrying")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(86_400))));
    }

    private static Content problemContent() {
        return new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(PROBLEM_REF)));
    }

    private boolean isJobTrigger(Operation operation) {
        return operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> "path".equals(p.getIn()) && "job".equals(p.getName()))
                && operation.getOperationId() != null && operation.getOperationId().startsWith("trigger");
    }

    /**
     * What validation implies but springdoc does not write: a {@code @Pattern} that is a list of literal alternatives is
     * that enum; a UUID ({@code UUID} parameter or {@code format: uuid}) is at most 36 characters, as
     * {@code UUID.fromString} enforces. Recurses into properties and array items.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static void constrainSchema(Schema schema) {
        if (schema == null) {
            return;
        }
        if (schema.getPattern() != null && schema.getEnum() == null && LITERALS.matcher(schema.getPattern()).matches()) {
            String literals = schema.getPattern().replaceAll("^\\^?\\(?|\\)?\\$?$", "");
            schema.setEnum(List.of(literals.split("\\|")));
        }
        if ("uuid".equals(schema.getFormat()) && schema.getMaxLength() == null) {
            schema.setMaxLength(36);
        }
        if (schema.getProperties() != null) {
            ((Map<String, Schema>) schema.getProperties()).values().forEach(ProblemResponses::constrainSchema);
        }
        constrainSchema(schema.getItems());
    }

    private static final java.util.regex.Pattern LITERALS =
            java.util.regex.Pattern.compile("\\^?\\(?[a-z0-9_]+(\\|[a-z0-9_]+)+\\)?\\$?");

    @SuppressWarnings({"rawtypes", "unchecked"})
    private void constrain(Parameter parameter) {
        Schema schema = parameter.getSchema();
        if (schema == null) {
            return;
        }
        constrainSchema(schema);
        if (!"path".equals(parameter.getIn())) {
            return;
        }
        if (SLUG_PARAMETERS.contains(parameter.getName())) {
            schema.setPattern(SLUG_PATTERN);
            schema.setMinLength(1);
            schema.setMaxLength(Slug.MAX_LENGTH);
        } else if ("job".equals(parameter.getName())) {
            List<String> names = jobNames.get();
            if (!names.isEmpty()) {
                schema.setEnum(names);
            }
        }
    }
}
