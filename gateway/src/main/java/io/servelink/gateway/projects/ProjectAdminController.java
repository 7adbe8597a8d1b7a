package io.servelink.gateway.projects;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.spring.ApiProblem;
import io.servelink.contracts.spring.TeamGuard;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Operator API of the projects the gateway serves. Changes go to the projects topic, never straight into the
 * registry: every replica (and usage-service) learns them from there. Reads answer from this replica's registry.
 */
@RestController
@RequestMapping("/api/admin/projects")
class ProjectAdminController {

    private final TeamGuard guard;
    private final ProjectsRegistry registry;
    private final ProjectsPublisher publisher;

    ProjectAdminController(TeamGuard guard, ProjectsRegistry registry, ProjectsPublisher publisher) {
        this.guard = guard;
        this.registry = registry;
        this.publisher = publisher;
    }

    @GetMapping
    Mono<List<ProjectView>> list() {
        return operator().then(Mono.fromSupplier(() -> registry.all().stream().map(ProjectView::of).toList()));
    }

    @GetMapping("/{project_id}")
    Mono<ProjectView> get(@PathVariable("project_id") String projectId) {
        return operator().then(Mono.fromSupplier(() -> known(projectId))).map(ProjectView::of);
    }

    @PutMapping("/{project_id}")
    Mono<ProjectView> put(@PathVariable("project_id") String projectId, @RequestBody Mono<ProjectRequest> body) {
        // the body is read after the role check, so a caller without the role learns nothing from validation
        return operator()
                .then(body)
                .map(request -> withFreeHosts(request.toProject(projectId)))
                .flatMap(publisher::publish)
                .map(ProjectView::of);
    }

    @DeleteMapping("/{project_id}")
    Mono<ResponseEntity<Void>> delete(@PathVariable("project_id") String projectId) {
        return operator()
                .then(Mono.fromSupplier(() -> known(projectId)))
                .flatMap(project -> publisher.remove(project.id()))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private Mono<Void> operator() {
        return guard.platform(PlatformRole.OPERATOR).then();
    }

    private Project known(String projectId) {
        return registry.byId(ProjectRequest.validProjectId(projectId))
                .orElseThrow(() -> ApiProblem.notFound("No project " + projectId));
    }

    private Project withFreeHosts(Project project) {
        for (String host : project.hosts()) {
            registry.byHost(host).filter(owner -> !owner.id().equals(project.id())).ifPresent(owner -> {
                throw ApiProblem.conflict("Host " + host + " is already served for project " + owner.id());
            });
        }
        return project;
    }
}
