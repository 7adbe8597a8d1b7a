package io.servelink.contracts.events.projects;

/** Whether the gateway serves a project: a suspended project answers 503 at its hosts and is not metered. */
public enum ProjectStatus {
    ACTIVE,
    SUSPENDED
}
