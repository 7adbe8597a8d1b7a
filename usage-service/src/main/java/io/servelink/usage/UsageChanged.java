package io.servelink.usage;

import java.util.Set;

/**
 * An in-process signal, published after a commit that changed usage or limits (a traffic batch, a storage
 * measurement, an entitlements snapshot, a team's thresholds): the limit check looks at the affected teams only.
 * A project's team is looked up by the listener.
 */
public record UsageChanged(Set<String> projectIds, Set<String> teamSlugs) {

    public UsageChanged {
        projectIds = Set.copyOf(projectIds);
        teamSlugs = Set.copyOf(teamSlugs);
    }

    public static UsageChanged ofProjects(Set<String> projectIds) {
        return new UsageChanged(projectIds, Set.of());
    }

    public static UsageChanged ofTeam(String teamSlug) {
        return new UsageChanged(Set.of(), Set.of(teamSlug));
    }
}
