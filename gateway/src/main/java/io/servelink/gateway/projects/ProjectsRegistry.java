package io.servelink.gateway.projects;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The projects the gateway serves, as the compacted projects topic says: an immutable snapshot swapped on
 * every change, so request threads read it without locks. Only the topic follower writes.
 */
@Component
public class ProjectsRegistry {

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
    private volatile boolean caughtUp;

    public Optional<Project> byHost(String host) {
        return Optional.ofNullable(snapshot.byHost().get(host));
    }

    public Optional<Project> byId(String projectId) {
        return Optional.ofNullable(snapshot.byId().get(projectId));
    }

    public List<Project> all() {
        return snapshot.byId().values().stream().sorted(Comparator.comparing(Project::id)).toList();
    }

    /** Whether the registry has read the projects topic up to its end offsets at start-up. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    void markCaughtUp() {
        caughtUp = true;
    }

    /** Applies a batch of changes in topic order: a project replaces its previous version, null removes it. */
    void apply(Collection<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Map<String, Project> byId = new HashMap<>(snapshot.byId());
        for (Change change : changes) {
            if (change.project() == null) {
                byId.remove(change.projectId());
            } else {
                byId.put(change.projectId(), change.project());
            }
        }
        Map<String, Project> byHost = new HashMap<>();
        byId.values().stream().sorted(Comparator.comparing(Project::id))
                .forEach(project -> project.hosts().forEach(host -> byHost.putIfAbsent(host, project)));
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(byHost));
    }

    /** One record of the projects topic: a project's new version, or its removal (project null). */
    record Change(String projectId, Project project) {
    }

    private record Snapshot(Map<String, Project> byId, Map<String, Project> byHost) {
    }
}
