package io.servelink.contracts.events;

/**
 * Resolves a topic's name in a namespace: {@code ""} in production, a per-test-class prefix in tests.
 */
public record TopicNames(String namespace) {

    public TopicNames {
        namespace = namespace == null ? "" : namespace.strip();
    }

    public String name(String topic) {
        return namespace.isEmpty() ? topic : namespace + "." + topic;
    }

    public String projects() {
        return name(Topics.PROJECTS);
    }

    public String traffic() {
        return name(Topics.TRAFFIC);
    }

    public String payments() {
        return name(Topics.PAYMENTS);
    }

    public String entitlements() {
        return name(Topics.ENTITLEMENTS);
    }

    public String usageAlerts() {
        return name(Topics.USAGE_ALERTS);
    }

    public String projectActivity() {
        return name(Topics.PROJECT_ACTIVITY);
    }

    public String projectSleep() {
        return name(Topics.PROJECT_SLEEP);
    }

    public String projectWakeRequests() {
        return name(Topics.PROJECT_WAKE_REQUESTS);
    }

    public String teamUsageState() {
        return name(Topics.TEAM_USAGE_STATE);
    }

    public String teams() {
        return name(Topics.TEAMS);
    }
}
