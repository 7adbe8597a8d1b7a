package io.servelink.starter;

import io.servelink.contracts.problem.ProblemTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerErrorException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * The one place exceptions become RFC 9457 problems. Validation failures name every failing field;
 * unexpected exceptions are logged and answered with a generic 500 that never carries their message.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
    private static final java.util.Set<String> RESOURCE_FAILURES = java.util.Set.of(
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.TransientDataAccessResourceException",
            "io.r2dbc.spi.R2dbcNonTransientResourceException",
            "io.r2dbc.spi.R2dbcTransientResourceException");

    @ExceptionHandler(WebExchangeBindException.class)
    ResponseEntity<ProblemDetail> invalidBody(WebExchangeBindException e, ServerWebExchange exchange) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError error : e.getFieldErrors()) {
            errors.add(error(snakeCase(error.getField()), error.getDefaultMessage()));
        }
        e.getGlobalErrors().forEach(error -> errors.add(error(error.getObjectName(), error.getDefaultMessage())));
        return validation(errors, exchange);
    }

    /**
     * Constraints on path variables and query parameters ({@code @Slug}, {@code @Min}...), and bodies validated with
     * them: the same problem as {@link #invalidBody}, naming the parameter or the body's field.
     */
    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException e, ServerWebExchange exchange) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors body) {
                body.getFieldErrors().forEach(error -> errors.add(error(snakeCase(error.getField()), error.getDefaultMessage())));
                body.getGlobalErrors().forEach(error -> errors.add(error(parameterName(result.getMethodParameter()), error.getDefaultMessage())));
            } else {
                result.getResolvableErrors().forEach(error ->
                        errors.add(error(parameterName(result.getMethodParameter()), error.getDefaultMessage())));
            }
        }
        return validation(errors, exchange);
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> unreadableInput(ServerWebInputException e, ServerWebExchange exchange) {
        MethodParameter parameter = e.getMethodParameter();
        if (parameter != null && parameter.getParameterName() != null && !isBody(e)) {
            return validation(List.of(error(parameterName(parameter), "is missing or has the wrong format")), exchange);
        }
        String field = jsonPath(e);
        if (field != null) {
            return validation(List.of(error(field, "has the wrong type or format")), exchange);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request body is not valid JSON of the expected shape");
        problem.setType(ProblemTypes.MALFORMED_BODY);
        problem.setTitle("Malformed request body");
        return respond(problem, exchange);
    }

    /**
     * Spring Security's firewall refusing a query parameter name or value (control characters, unassigned code
     * points): thrown when a controller first reads the parameters, long after the security filters.
     */
    @ExceptionHandler(org.springframework.security.web.server.firewall.ServerExchangeRejectedException.class)
    ResponseEntity<ProblemDetail> rejectedByFirewall(RuntimeException e, ServerWebExchange exchange) {
        return validation(List.of(error("request", "has a parameter name or value that is not allowed")), exchange);
    }

    /**
     * WebFlux reports a path variable that is present but converts to null (a blank UUID: {@code /tickets/%20}) as a
     * missing one, a 500 meant for a mistyped URI template (spring-framework#31382 fixed it for MVC only). Present in
     * the request, it is the client's error.
     */
    @ExceptionHandler(ServerErrorException.class)
    ResponseEntity<ProblemDetail> serverError(ServerErrorException e, ServerWebExchange exchange) {
        MethodParameter parameter = e.getMethodParameter();
        Map<String, String> pathVariables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (parameter != null && parameter.hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class)
                && pathVariables != null && pathVariables.containsKey(parameterName(parameter))) {
            return validation(List.of(error(parameterName(parameter), "is missing or has the wrong format")), exchange);
        }
        return deliberate(e, exchange);
    }

    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<ProblemDetail> deliberate(ErrorResponseException e, ServerWebExchange exchange) {
        ProblemDetail problem = e.getBody();
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(typeFor(e.getStatusCode().value()));
        }
        problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
        return ResponseEntity.status(e.getStatusCode()).headers(e.getHeaders()).body(problem);
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> status(ResponseStatusException e, ServerWebExchange exchange) {
        return deliberate(e, exchange);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
        if (dependencyUnavailable(e)) {
            log.warn("Dependency unavailable on {} {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                    e.getMessage());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "A service this request needs is not reachable right now; retry shortly");
            problem.setType(ProblemTypes.UNAVAILABLE);
            problem.setTitle("Service unavailable");
            problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(problem);
        }
        if (causedBy(e, java.util.concurrent.TimeoutException.class)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.GATEWAY_TIMEOUT, "A service this request needs did not answer in time");
            problem.setType(ProblemTypes.UNAVAILABLE);
            problem.setTitle("Gateway timeout");
            return respond(problem, exchange);
        }
        if (clientWentAway(e)) {
            log.debug("Client closed the connection during {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath());
        } else {
            logUnexpected(e, exchange);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged");
        problem.setType(ProblemTypes.INTERNAL);
        problem.setTitle("Internal error");
        return respond(problem, exchange);
    }

    /**
     * Logged with the request's trace and span ids: the services propagate context to thread-locals only where
     * asked ({@code spring.reactor.context-propagation=limited}), so they are taken from the request's observation.
     */
    private static void logUnexpected(Exception e, ServerWebExchange exchange) {
        java.util.Optional<io.micrometer.tracing.Span> span = org.springframework.http.server.reactive.observation.ServerRequestObservationContext
                .findCurrent(exchange.getAttributes())
                .map(context -> context.<io.micrometer.tracing.handler.TracingObservationHandler.TracingContext>get(
                        io.micrometer.tracing.handler.TracingObservationHandler.TracingContext.class))
                .map(io.micrometer.tracing.handler.TracingObservationHandler.TracingContext::getSpan);
        try (org.slf4j.MDC.MDCCloseable trace = org.slf4j.MDC.putCloseable("traceId", span.map(s -> s.context().traceId()).orElse(null));
             org.slf4j.MDC.MDCCloseable spanId = org.slf4j.MDC.putCloseable("spanId", span.map(s -> s.context().spanId()).orElse(null))) {
            log.error("Unexpected error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), e);
        }
    }

    /** The client closed the connection before the answer was written: nothing to answer, nothing went wrong here. */
    private static boolean clientWentAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals("reactor.netty.channel.AbortedException") || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    private ResponseEntity<ProblemDetail> validation(List<Map<String, String>> errors, ServerWebExchange exchange) {
        String detail = errors.stream().map(e -> e.get("field") + ": " + e.get("message"))
                .reduce((a, b) -> a + "; " + b).orElse("Invalid request");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setType(ProblemTypes.VALIDATION);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return respond(problem, exchange);
    }

    private ResponseEntity<ProblemDetail> respond(ProblemDetail problem, ServerWebExchange exchange) {
        problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    private static java.net.URI typeFor(int status) {
        return switch (status) {
            case 400 -> ProblemTypes.VALIDATION;
            case 401 -> ProblemTypes.UNAUTHENTICATED;
            case 403 -> ProblemTypes.FORBIDDEN;
            case 404, 405 -> ProblemTypes.NOT_FOUND;
            case 409 -> ProblemTypes.CONFLICT;
            case 503 -> ProblemTypes.UNAVAILABLE;
            default -> status >= 500 ? ProblemTypes.INTERNAL : ProblemTypes.VALIDATION;
        };
    }

    /**
     * A peer refused the connection, or the database cannot be reached or dropped the connection (a restart
     * terminates sessions, the pool's validation fails on a dead connection): the request may succeed when retried.
     * The database exceptions are matched by name, as the gateway has no R2DBC on its class path.
     */
    private static boolean dependencyUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
                if (type == java.net.ConnectException.class || RESOURCE_FAILURES.contains(type.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message == null ? "is invalid" : message);
    }

    private static boolean isBody(ServerWebInputException e) {
        return e.getCause() instanceof DecodingException || e.getMethodParameter() != null
                && e.getMethodParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class);
    }

    private static String parameterName(MethodParameter parameter) {
        var requestParam = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestParam.class);
        if (requestParam != null && !requestParam.name().isEmpty()) {
            return requestParam.name();
        }
        var pathVariable = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class);
        if (pathVariable != null && !pathVariable.name().isEmpty()) {
            return pathVariable.name();
        }
        return parameter.getParameterName() == null ? "request" : snakeCase(parameter.getParameterName());
    }

    /** The JSON path of the field Jackson could not read, e.g. {@code hosts[0]}, or null. */
    private static String jsonPath(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (JacksonException.Reference ref : databind.getPath()) {
                    if (ref.getPropertyName() != null) {
                        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
                    } else if (ref.getIndex() >= 0) {
                        path.append('[').append(ref.getIndex()).append(']');
                    }
                }
                return path.isEmpty() ? null : path.toString();
            }
        }
        return null;
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
