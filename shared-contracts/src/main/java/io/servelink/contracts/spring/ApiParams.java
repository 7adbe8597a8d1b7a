package io.servelink.contracts.spring;

import java.util.regex.Pattern;

/** Checks of path and query parameters shared by every API; failures are 400 problems naming the parameter. */
public final class ApiParams {

    /** Team slugs and project ids: lower-case DNS labels. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private ApiParams() {
    }

    public static String requireSlug(String parameter, String value) {
        if (value == null || !SLUG.matcher(value).matches()) {
            throw ApiProblem.invalid(parameter, "must be 1-63 lower-case letters, digits or inner hyphens");
        }
        return value;
    }
}
