package io.servelink.gateway.projects;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.gateway.topics.CompactedTopicFollower;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectsRegistryTest {

    private final ProjectsRegistry registry = new ProjectsRegistry();

    @Test
    void findsProjectsByLowerCaseHostAndForgetsHostsAProjectNoLongerHas() {
        registry.apply(List.of(change("hello", "Hello.Apps.Localhost", "www.hello.example")));
        assertThat(registry.byHost("hello.apps.localhost")).map(Project::id).contains("hello");

        registry.apply(List.of(change("hello", "www.hello.example")));

        assertThat(registry.byHost("hello.apps.localhost")).isEmpty();
        assertThat(registry.byHost("www.hello.example")).map(Project::id).contains("hello");
    }

    @Test
    void tombstoneRemovesTheProjectAndItsHosts() {
        registry.apply(List.of(change("hello", "hello.apps.localhost"), change("other", "other.apps.localhost")));

        registry.apply(List.of(new CompactedTopicFollower.Keyed<Project>("hello", null)));

        assertThat(registry.byId("hello")).isEmpty();
        assertThat(registry.byHost("hello.apps.localhost")).isEmpty();
        assertThat(registry.all()).extracting(Project::id).containsExactly("other");
    }

    private static CompactedTopicFollower.Keyed<Project> change(String id, String... hosts) {
        return new CompactedTopicFollower.Keyed<>(id, new Project(id, "demo", List.of(hosts), URI.create("http://upstream:8000"), ProjectStatus.ACTIVE));
    }
}
