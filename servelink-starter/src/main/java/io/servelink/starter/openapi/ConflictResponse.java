package io.servelink.starter.openapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a handler can answer 409 (a state conflict): the OpenAPI document gets a {@code 409} problem+json
 * response with this description, beside the operation's own success response (which an {@code @ApiResponse} on the
 * method would replace).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ConflictResponse {

    /** When the conflict happens, as a client reads it. */
    String value();
}
