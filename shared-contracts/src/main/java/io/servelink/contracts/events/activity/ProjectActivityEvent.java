package io.servelink.contracts.events.activity;

import io.servelink.contracts.events.Event;

/**
 * Any event of {@code servelink.project-activity.v1}, the deployer's contract for sleeping projects: key project id, so
 * one project's events arrive in the order they happened. Decode with {@code codec.decode(bytes, ProjectActivityEvent.class)}.
 */
public sealed interface ProjectActivityEvent extends Event permits ProjectSlept, ProjectWoken, ProjectScaleDownRequested {

    String projectId();

    String teamSlug();
}
