package io.servelink.support.kb;

import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.contracts.validation.Slug;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The knowledge base: published articles are public (searchable by anyone, no token); agents write, publish and
 * list drafts; a team member creating a ticket gets suggestions from its subject.
 */
@RestController
class KbController {

    record ArticleList(List<KnowledgeBase.Article> items) {
    }

    record WriteArticle(@NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 50000) String body, Boolean publish) {
    }

    private final KnowledgeBase kb;
    private final TeamGuard guard;

    KbController(KnowledgeBase kb, TeamGuard guard) {
        this.kb = kb;
        this.guard = guard;
    }

    @SecurityRequirements // public: no token
    @GetMapping("/api/support/kb/articles")
    Mono<ArticleList> search(@RequestParam(name = "q", required = false) @Size(max = 500) String q,
                             @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit) {
        return kb.search(q, false, limit).collectList().map(ArticleList::new);
    }

    @SecurityRequirements // public: no token
    @GetMapping("/api/support/kb/articles/{article_id}")
    Mono<KnowledgeBase.Article> article(@PathVariable("article_id") UUID id) {
        return kb.find(id, false).switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No article " + id)));
    }

    @GetMapping("/api/support/{team_slug}/tickets/suggestions")
    Mono<ArticleList> suggestions(@PathVariable("team_slug") @Slug String team,
                                  @RequestParam("subject") @NotBlank @Size(max = 200) String subject) {
        return guard.member(team).thenMany(kb.suggest(subject, 5)).collectList().map(ArticleList::new);
    }

    @GetMapping("/api/support/agent/kb/articles")
    Mono<ArticleList> agentSearch(@RequestParam(name = "q", required = false) @Size(max = 500) String q,
                                  @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit) {
        return guard.platform(PlatformRole.SUPPORT_AGENT).thenMany(kb.search(q, true, limit)).collectList().map(ArticleList::new);
    }

    @PostMapping("/api/support/agent/kb/articles")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<KnowledgeBase.Article> write(@Valid @RequestBody Mono<WriteArticle> body, ServerHttpRequest http) {
        return guard.platform(PlatformRole.SUPPORT_AGENT)
                .flatMap(agent -> body.flatMap(request -> kb.create(request.title(), request.body(), Boolean.TRUE.equals(request.publish()),
                        agent.subject(), RequestOrigin.of(http))));
    }

    @PostMapping("/api/support/agent/kb/articles/{article_id}/publish")
    Mono<KnowledgeBase.Article> publish(@PathVariable("article_id") UUID id, ServerHttpRequest http) {
        return guard.platform(PlatformRole.SUPPORT_AGENT)
                .flatMap(agent -> kb.publish(id, agent.subject(), RequestOrigin.of(http)))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No article " + id)));
    }
}
