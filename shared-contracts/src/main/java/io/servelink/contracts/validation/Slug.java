package io.servelink.contracts.validation;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A team slug or project id: a lower-case DNS label (RFC 1123), 1 to 63 lower-case letters, digits and hyphens,
 * starting and ending with a letter or digit ({@code acme}, {@code acme-web}; not {@code acme-}, {@code -acme},
 * {@code Acme}). The gateway's operator API, every service's path and query parameters and the local token
 * endpoint accept exactly these, so a project the gateway meters can always be read back. {@code null} is valid:
 * add {@code @NotNull} where the value is required.
 */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = Slug.PATTERN)
@Size(min = 1, max = Slug.MAX_LENGTH)
@ReportAsSingleViolation
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface Slug {

    /** The rule as a regular expression (whole value). */
    String PATTERN = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

    int MAX_LENGTH = 63;

    String message() default "must be 1-63 lower-case letters, digits or inner hyphens, starting and ending with a letter or digit";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
