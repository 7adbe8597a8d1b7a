package io.servelink.contracts.events;

/**
 * Topic names, versioned by name. A {@link TopicNames} may prefix them with a namespace (tests give each
 * test class its own).
 */
public final class Topics {

    /** Compacted, key projectId: a project's routing data; a tombstone removes the project. */
    public static final String PROJECTS = "servelink.projects.v1";
    /** Key projectId: bytes a project moved through the gateway in a short window. */
    public static final String TRAFFIC = "servelink.traffic.v1";
    /** Key teamSlug: payment outcomes. */
    public static final String PAYMENTS = "servelink.payments.v1";
    /** Compacted, key teamSlug: a team's full effective limits. */
    public static final String ENTITLEMENTS = "servelink.entitlements.v1";
    /** Key teamSlug: a usage threshold crossed. */
    public static final String USAGE_ALERTS = "servelink.usage-alerts.v1";
    /** Key projectId: a project inactive since a date. */
    public static final String PROJECT_ACTIVITY = "servelink.project-activity.v1";

    private Topics() {
    }
}
