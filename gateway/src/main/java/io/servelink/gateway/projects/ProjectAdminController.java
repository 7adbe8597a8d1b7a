package io.servelink.gateway.projects;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import jakarta.validation.Valid;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
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
 * Every change is audited ({@link ProjectAudit}); refused requests change nothing and are not.
 */
@RestController
@RequestMapping("/api/admin/projects")
class ProjectAdminController {

    private final TeamGuard guard;
    private final ProjectsRegistry registry;
    private final ProjectsPublisher publisher;
    private final ProjectAudit audit;

    ProjectAdminController(TeamGuard guard, ProjectsRegistry registry, ProjectsPublisher publisher, ProjectAudit audit) {
        this.guard = guard;
        this.registry = registry;
        this.publisher = publisher;
        this.audit = audit;
    }

    @GetMapping
    Mono<List<ProjectView>> list() {
        return operator().then(Mono.fromSupplier(() -> registry.all().stream().map(ProjectView::of).toList()));
    }

    @GetMapping("/{project_id}")
    Mono<ProjectView> get(@PathVariable("project_id") @Slug String projectId) {
        return operator().then(Mono.fromSupplier(() -> known(projectId))).map(ProjectView::of);
    }

    @PutMapping("/{project_id}")
    Mono<ProjectView> put(@PathVariable("project_id") @Slug String projectId, @Valid @RequestBody Mono<ProjectRequest> body,
                          ServerHttpRequest http) {
        // the body is read (and validated) after the role check, so a caller without the role learns nothing from it
        return operator().flatMap(operator -> body
                        .map(request -> withFreeHosts(request.toProject(projectId)))
                        .flatMap(project -> audited(putEntry(operator, project, registry.byId(project.id()), RequestOrigin.of(http)),
                                publisher.publish(project))))
                .map(ProjectView::of);
    }

    @DeleteMapping("/{project_id}")
    Mono<ResponseEntity<Void>> delete(@PathVariable("project_id") @Slug String projectId, ServerHttpRequest http) {
        return operator()
                .flatMap(operator -> {
                    Project project = known(projectId);
                    AuditEntry entry = new AuditEntry(operator.subject(), ProjectAudit.DELETED, project.teamSlug(), project.id(),
                            RequestOrigin.of(http), ProjectAudit.describe(project));
                    return audited(entry, publisher.remove(project.id()).thenReturn(project));
                })
                .thenReturn(ResponseEntity.noContent().build());
    }

    private static AuditEntry putEntry(ServelinkClaims operator, Project project, Optional<Project> before, RequestOrigin origin) {
        Map<String, Object> details = new LinkedHashMap<>(ProjectAudit.describe(project));
        before.ifPresent(previous -> details.put("before", ProjectAudit.describe(previous)));
        return new AuditEntry(operator.subject(), before.isPresent() ? ProjectAudit.CHANGED : ProjectAudit.CREATED,
                project.teamSlug(), project.id(), origin, details);
    }

    /** The change, audited once the broker acknowledged it, or as unconfirmed when the broker did not answer in time. */
    private Mono<Project> audited(AuditEntry entry, Mono<Project> change) {
        return change
                .doOnNext(done -> audit.record(entry, ProjectAudit.APPLIED))
                .doOnError(ApiProblem.class, e -> {
                    if (e.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
                        audit.record(entry, ProjectAudit.UNCONFIRMED);
                    }
                });
    }

    private Mono<ServelinkClaims> operator() {
        return guard.platform(PlatformRole.OPERATOR);
    }

    private Project known(String projectId) {
        return registry.byId(projectId)
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
