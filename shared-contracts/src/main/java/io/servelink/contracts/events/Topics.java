package io.servelink.contracts.events;

import java.util.List;
import java.util.Set;

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
    /** Key projectId: the deployer's contract for sleeping projects (slept, woken, scale-down requested). */
    public static final String PROJECT_ACTIVITY = "servelink.project-activity.v1";
    /** Compacted, key projectId: whether a project is asleep. */
    public static final String PROJECT_SLEEP = "servelink.project-sleep.v1";
    /** Key projectId: a visitor reached a sleeping project. */
    public static final String PROJECT_WAKE_REQUESTS = "servelink.project-wake-requests.v1";
    /** Compacted, key teamSlug: a team's usage against its limits and whether its traffic is stopped. */
    public static final String TEAM_USAGE_STATE = "servelink.team-usage-state.v1";
    /** Compacted, key teamSlug: a team and its members (e-mail, role, language). */
    public static final String TEAMS = "servelink.teams.v1";

    /** Every topic of the suite. */
    public static final List<String> ALL = List.of(PROJECTS, TRAFFIC, PAYMENTS, ENTITLEMENTS, USAGE_ALERTS, PROJECT_ACTIVITY,
            PROJECT_SLEEP, PROJECT_WAKE_REQUESTS, TEAM_USAGE_STATE, TEAMS);
    /** The compacted topics: each key's latest value is the state. */
    public static final Set<String> COMPACTED = Set.of(PROJECTS, ENTITLEMENTS, PROJECT_SLEEP, TEAM_USAGE_STATE, TEAMS);

    private Topics() {
    }
}
