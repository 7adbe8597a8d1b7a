package io.servelink.usage.storage;

import java.util.List;
import java.util.Map;

/**
 * What one probe run measured.
 *
 * @param projects each project found, by project id
 * @param complete whether every place the probe covers answered (every node, the whole engine): only then does a
 *                 live project it did not find use no disk; otherwise such a project was not measured this time
 * @param problems what could not be read, for the job's report (a node that failed, say); empty when complete
 */
record StorageSnapshot(Map<String, ProjectStorage> projects, boolean complete, List<String> problems) {

    StorageSnapshot {
        projects = Map.copyOf(projects);
        problems = List.copyOf(problems);
    }

    static StorageSnapshot complete(Map<String, ProjectStorage> projects) {
        return new StorageSnapshot(projects, true, List.of());
    }
}
