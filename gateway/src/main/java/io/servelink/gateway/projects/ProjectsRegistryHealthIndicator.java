package io.servelink.gateway.projects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: the gateway takes traffic only once it knows every project (otherwise it would answer 404
 * for hosts that exist).
 */
@Component("projectsTopicHealthIndicator")
class ProjectsRegistryHealthIndicator implements HealthIndicator {

    private final ProjectsRegistry registry;

    ProjectsRegistryHealthIndicator(ProjectsRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        return registry.isCaughtUp()
                ? Health.up().withDetail("projects", registry.all().size()).build()
                : Health.down().withDetail("reason", "still reading the projects topic").build();
    }
}
