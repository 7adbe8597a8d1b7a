package io.servelink.contracts.problem;

import java.net.URI;

/**
 * Stable {@code type} URIs of the RFC 9457 problems every service answers. Clients branch on these,
 * never on titles or messages.
 */
public final class ProblemTypes {

    private static final String BASE = "https://problems.servelink.io/";

    /** 400: a field, parameter or body failed validation; {@code errors} names each field. */
    public static final URI VALIDATION = URI.create(BASE + "validation");
    /** 400: the body is not readable JSON of the expected shape. */
    public static final URI MALFORMED_BODY = URI.create(BASE + "malformed-body");
    /** 401: no token, or a token that is invalid or expired. */
    public static final URI UNAUTHENTICATED = URI.create(BASE + "unauthenticated");
    /** 403: authenticated, but not allowed for this team or action. */
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    /** 404: the resource does not exist for this caller (other teams' resources look absent). */
    public static final URI NOT_FOUND = URI.create(BASE + "not-found");
    /** 409: the resource's state does not allow this transition. */
    public static final URI CONFLICT = URI.create(BASE + "conflict");
    /** 503: a dependency (Kafka, the payment provider) is unavailable; {@code Retry-After} says when to retry. */
    public static final URI UNAVAILABLE = URI.create(BASE + "unavailable");
    /**
     * 402 at a project's host: the project's team reached its plan's traffic limit for the month; the gateway serves
     * none of the team's projects until the limit rises or the month ends.
     */
    public static final URI TRAFFIC_LIMIT_REACHED = URI.create(BASE + "traffic-limit-reached");
    /** 503 at a project's host: the project is asleep and is being woken; {@code Retry-After} says when to retry. */
    public static final URI PROJECT_ASLEEP = URI.create(BASE + "project-asleep");
    /** 500: an unexpected error; the body never carries its details. */
    public static final URI INTERNAL = URI.create(BASE + "internal");

    private ProblemTypes() {
    }
}
