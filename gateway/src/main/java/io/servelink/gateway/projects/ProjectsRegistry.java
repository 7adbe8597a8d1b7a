package io.servelink.gateway.projects;

import io.servelink.gateway.topics.CompactedTopicFollower;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The projects the gateway serves, as the compacted projects topic says: an immutable snapshot swapped on
 * every change, so request threads read it without locks. Only its {@link CompactedTopicFollower} writes
 * ({@link ProjectsTopicConfiguration}).
 */
@Component
public class ProjectsRegistry implements CompactedTopicFollower.Sink<Project> {

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
    @Override
    public boolean isCaughtUp() {
        return caughtUp;
    }

    @Override
    public void markCaughtUp() {
        caughtUp = true;
    }

    /** Applies a batch of records in topic order (key: project id): a project replaces its previous version, null removes it. */
    @Override
    public void apply(List<CompactedTopicFollower.Keyed<Project>> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Map<String, Project> byId = new HashMap<>(snapshot.byId());
        for (CompactedTopicFollower.Keyed<Project> change : changes) {
            if (change.value() == null) {
                byId.remove(change.key());
            } else {
                byId.put(change.key(), change.value());
            }
        }
        Map<String, Project> byHost = new HashMap<>();
        byId.values().stream().sorted(Comparator.comparing(Project::id))
                .forEach(project -> project.hosts().forEach(host -> byHost.putIfAbsent(host, project)));
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(byHost));
    }

    private record Snapshot(Map<String, Project> byId, Map<String, Project> byHost) {
    }
}
